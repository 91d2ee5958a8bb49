package io.lockwatch.streams;

import io.lockwatch.schemas.topics.TopicCatalog;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** The Kafka Streams settings Lockwatch runs with unless the operator overrides them. */
public final class LockwatchStreamsConfig {
  private LockwatchStreamsConfig() {}

  /**
   * Exactly-once processing, and Kafka Streams' own dead-letter queue: a record that cannot be
   * decoded, or breaks the contract, goes to the dead-letter topic as it was, with headers naming
   * its topic, partition, offset and the error, and processing continues.
   */
  public static Map<String, Object> streamsDefaults(TopicCatalog topics) {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetter().name());
    config.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    config.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class);
    return config;
  }
}
