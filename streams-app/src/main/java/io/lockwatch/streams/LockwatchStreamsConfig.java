package io.lockwatch.streams;

import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.internals.BoundedRocksDbMemory;
import io.lockwatch.streams.internals.InputErrorHandlers;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams settings Lockwatch runs with unless the operator overrides them. */
public final class LockwatchStreamsConfig {
  /** Producer settings for changelogs and outputs; the benchmark gives its baseline the same. */
  public static final Map<String, Object> PRODUCER_TUNING =
      Map.of(
          StreamsConfig.producerPrefix(
              org.apache.kafka.clients.producer.ProducerConfig.COMPRESSION_TYPE_CONFIG),
          "lz4",
          StreamsConfig.producerPrefix(
              org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG),
          65_536);

  /**
   * Failover in seconds: a member that died (kill -9) is dropped after 6 s (the broker's default
   * minimum session timeout) instead of the consumer's 45 s, and a standby replica on another
   * instance keeps each task's state warm, so the survivor judges the dead instance's locks without
   * restoring them from the changelog first. A killed instance's open transaction blocks its
   * partitions' changelogs until the broker aborts it: after 5 s instead of Streams' 10 s (commits
   * come every 100 ms, so no live transaction gets near it), plus up to the broker's
   * transaction.abort.timed.out.transaction.cleanup.interval.ms (10 s by default; 1 s is better for
   * Lockwatch's cluster).
   */
  public static final Map<String, Object> FAILOVER =
      Map.of(
          StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
          6_000,
          StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
          1_500,
          StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG,
          1,
          StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
          5_000);

  private LockwatchStreamsConfig() {}

  /**
   * Whether the lock-state store should have a record cache under {@code processingGuarantee}.
   * Under at-least-once (commits every 30 s) the cache folds a lock's heartbeats into one store
   * write; under exactly-once (commits every 100 ms) heartbeats of one lock rarely share a commit,
   * and the cache only adds copying.
   */
  public static boolean cacheLockState(String processingGuarantee) {
    return StreamsConfig.AT_LEAST_ONCE.equals(processingGuarantee);
  }

  /**
   * Exactly-once processing, and the dead-letter topic for bad input only: a record that cannot be
   * decoded, or breaks the contract, goes to the dead-letter topic as it was (bounded), with
   * headers naming its topic, partition, offset, reason and the error, and processing continues. A
   * registry outage or any other failure fails the task instead, so the record is read again
   * ({@link InputErrorHandlers}).
   */
  public static Map<String, Object> streamsDefaults(TopicCatalog topics) {
    Map<String, Object> config = new HashMap<>();
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetter().name());
    config.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        InputErrorHandlers.Deserialization.class);
    config.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        InputErrorHandlers.Processing.class);
    config.putAll(PRODUCER_TUNING);
    // Operator actions are rare and judged on Lockwatch's clock, not ordered against lock events
    // by timestamp: never wait for their empty partition (0, the default, still runs Streams'
    // "enforced processing" bookkeeping on every record of a task whose operator-actions
    // partition is empty).
    config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    config.putAll(FAILOVER);
    // All stores share one bounded block cache and memtable budget
    // (lockwatch.rocksdb.memory.bytes).
    config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
    return config;
  }
}
