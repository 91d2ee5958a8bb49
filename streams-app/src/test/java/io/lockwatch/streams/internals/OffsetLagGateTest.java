package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The gate on a real broker: a task's own processing position against the partition's end. */
@IntegrationTest
class OffsetLagGateTest {

  @Test
  void shouldStayClosedUntilTheTaskHasProcessedUpToTheEndWhenRecordsWait(DevStack stack)
      throws Exception {
    String topic = "gate-" + UUID.randomUUID();
    String group = "gate-app-" + UUID.randomUUID();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
              new StringSerializer(),
              new StringSerializer())) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>(topic, "lock", "heartbeat " + i));
        }
      }
      try (OffsetLagGate gate = new OffsetLagGate(admin, group, topic, 10, Duration.ofMillis(50))) {
        awaitReading(gate, partition);

        assertThat(gate.caughtUp(partition, -1))
            .as("nothing processed, nothing committed")
            .isFalse();
        assertThat(gate.caughtUp(partition, 50)).as("50 records still to process").isFalse();
        assertThat(gate.caughtUp(partition, 90)).as("within max lag").isTrue();
        assertThat(gate.caughtUp(partition, 100)).isTrue();

        admin
            .alterConsumerGroupOffsets(group, Map.of(partition, new OffsetAndMetadata(100)))
            .all()
            .get(30, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertThat(gate.caughtUp(partition, -1))
            .as("a restarted task that committed everything")
            .isTrue();
      }
    }
  }

  @Test
  void shouldJudgeAPartitionWithoutRecordsCaughtUpWhenNothingWasEverWritten(DevStack stack)
      throws Exception {
    String topic = "gate-empty-" + UUID.randomUUID();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      try (OffsetLagGate gate =
          new OffsetLagGate(
              admin, "gate-app-" + UUID.randomUUID(), topic, 0, Duration.ofMillis(50))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gate.caughtUp(partition, -1) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }

        assertThat(gate.caughtUp(partition, -1))
            .as("an empty partition, nothing processed or committed")
            .isTrue();
      }
    }
  }

  private static void awaitReading(OffsetLagGate gate, TopicPartition partition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!gate.caughtUp(partition, Long.MAX_VALUE) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
