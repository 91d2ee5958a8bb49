package io.lockwatch.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic's committed records from the beginning up to the end offsets taken when the read
 * starts, as raw bytes, without a consumer group: it never commits and never joins a group, so it
 * disturbs no one. Records come back ordered by partition, then offset.
 */
public final class BoundedTopicReader {
  /**
   * How a bounded read closes its consumer. {@code close()} waits for the broker's answer to the
   * request that ends the fetch session, and the broker holds that request for {@code
   * fetch.max.wait.ms} (500 ms by default; KAFKA-19884): a read that is done sends it and does not
   * wait.
   */
  public static final CloseOptions CLOSE = CloseOptions.timeout(Duration.ofMillis(50));

  private BoundedTopicReader() {}

  /**
   * All committed records of {@code topic} present when the call starts.
   *
   * @param clientConfig Kafka client settings ({@code bootstrap.servers}, security); group and
   *     isolation settings are set here
   * @throws TimeoutException when the records are not all read within {@code timeout}
   */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(
      Map<String, Object> clientConfig, String topic, Duration timeout) throws TimeoutException {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              "Read "
                  + records.size()
                  + " records of "
                  + topic
                  + " but not all up to "
                  + end
                  + " within "
                  + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          // A transaction marker or a record appended after the start may sit past the end offset.
          if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
            records.add(record);
          }
        }
      }
      records.sort(
          Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
              .thenComparingLong(ConsumerRecord::offset));
      return records;
    } finally {
      consumer.close(CLOSE);
    }
  }
}
