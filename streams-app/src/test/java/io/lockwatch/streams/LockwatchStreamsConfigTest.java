package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.schemas.topics.TopicCatalog;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class LockwatchStreamsConfigTest {

  private final Map<String, Object> defaults =
      LockwatchStreamsConfig.streamsDefaults(
          TopicCatalog.fromConfig(Map.of("schema.registry.url", "mock://streams-config-test")));

  @Test
  void shouldGiveTheAppTheProducerTuningTheBenchmarkBaselineGetsWhenDefaultsAreUsed() {
    assertThat(defaults)
        .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4")
        .containsEntry(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 65_536)
        .containsAllEntriesOf(LockwatchStreamsConfig.PRODUCER_TUNING);
  }

  @Test
  void shouldNeverIdleForTheOperatorActionsPartitionWhenDefaultsAreUsed() {
    assertThat(defaults)
        .containsEntry(
            StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED)
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
  }
}
