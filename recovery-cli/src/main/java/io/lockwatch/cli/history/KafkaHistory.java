package io.lockwatch.cli.history;

import io.lockwatch.schemas.contract.LockPartitioner;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.serde.AvroSerde;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.DeadLetterHeaders;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A lock history read from Lockwatch's topics: lock events, alerts, reclaim commands and operator
 * actions, merged into one time-ordered stream.
 *
 * <p>Bounded and passive: each partition is read from the first record at or after {@code from}
 * ({@code offsetsForTimes}) up to the end offset taken when the read starts; {@code
 * read_committed}; no consumer group, nothing committed, nothing written. One lock's records are
 * read from the one partition its id hashes to (the default partitioner, which Lockwatch and its
 * publishers use), and records of other locks are skipped before they are decoded.
 *
 * <p>Two threads share the work: a fetcher thread owns the consumer and hands each poll's records
 * on; the calling thread merges the partitions by time and runs the sink; each poll's records are
 * decoded by whichever of the two is free. Memory stays bounded: a partition with {@link
 * #BUFFER_PER_PARTITION} records handed on and not yet merged is paused, and a record is handed to
 * the sink as soon as no other partition can still hold an earlier one. The merge takes each
 * partition to be in time order, as its writers append it (a record's timestamp is its event's
 * time).
 */
public final class KafkaHistory implements History {
  static final int BUFFER_PER_PARTITION = 2_000;

  /**
   * Records written this long after {@code to} are not read: a holder whose clock is this far
   * behind would be missed, and a window in the past does not read to the end of the log.
   */
  static final Duration STOP_SLACK = Duration.ofMinutes(10);

  private final Map<String, Object> clientConfig;
  private final TopicCatalog catalog;
  private final Duration timeout;
  private final ReadProgress progress;
  private final int bufferPerPartition;

  public KafkaHistory(
      Map<String, Object> clientConfig,
      TopicCatalog catalog,
      Duration timeout,
      ReadProgress progress) {
    this(clientConfig, catalog, timeout, progress, BUFFER_PER_PARTITION);
  }

  KafkaHistory(
      Map<String, Object> clientConfig,
      TopicCatalog catalog,
      Duration timeout,
      ReadProgress progress,
      int bufferPerPartition) {
    this.clientConfig = clientConfig;
    this.catalog = catalog;
    this.timeout = timeout;
    this.progress = progress;
    this.bufferPerPartition = bufferPerPartition;
  }

  @Override
  public ReadSummary read(Instant from, Instant to, Selection selection, Consumer<Entry> sink)
      throws TimeoutException, InterruptedException {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, bufferPerPartition);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "lockwatch-cli");
    List<Topic<String, ? extends SpecificRecord>> topics =
        List.of(
            catalog.lockEvents(),
            catalog.operatorActions(),
            catalog.alerts(),
            catalog.reclaimCommands());
    Map<String, AvroDeserializer<? extends SpecificRecord>> decoders = new HashMap<>();
    for (Topic<String, ? extends SpecificRecord> topic : topics) {
      decoders.put(
          topic.name(),
          ((AvroSerde<? extends SpecificRecord>) topic.valueSerde()).avroDeserializer());
    }
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic<String, ? extends SpecificRecord> topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), timeout);
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException(
              "Topic " + topic.name() + " does not exist (is this Lockwatch's cluster?)");
        }
        if (selection.lockId().isPresent()) {
          partitions.add(
              new TopicPartition(
                  topic.name(),
                  LockPartitioner.partitionOf(selection.lockId().get(), infos.size())));
        } else {
          infos.forEach(info -> partitions.add(new TopicPartition(topic.name(), info.partition())));
        }
      }
      consumer.assign(partitions);
      Map<TopicPartition, Long> start =
          new HashMap<>(consumer.beginningOffsets(partitions, timeout));
      Map<TopicPartition, Long> stop = new HashMap<>(consumer.endOffsets(partitions, timeout));
      if (from != null) {
        seekToTimes(consumer, partitions, from, stop, start);
      }
      if (to != null) {
        seekToTimes(consumer, partitions, to.plus(STOP_SLACK), stop, stop);
      }
      for (TopicPartition partition : partitions) {
        consumer.seek(partition, start.get(partition));
      }
      HistoryFetcher fetcher =
          new HistoryFetcher(
              consumer, partitions, start, stop, decoders, selection, bufferPerPartition, timeout);
      Thread thread = new Thread(fetcher::run, "lockwatch-history-fetcher");
      thread.setDaemon(true);
      thread.start();
      try {
        ReadSummary summary = new HistoryMerge(fetcher, progress).run(from, to, sink);
        return selection.lockId().isPresent()
            ? summary.withMisplaced(misplaced(selection.lockId().get(), from, to))
            : summary;
      } finally {
        // The consumer is closed on this thread, once the fetcher has let go of it.
        thread.interrupt();
        thread.join();
      }
    } finally {
      consumer.close(BoundedTopicReader.CLOSE);
    }
  }

  /**
   * The lock's inputs that its producers put on a partition its id does not hash to: the app
   * refused them to the dead-letter topic (which names the producer), so a read of the lock's own
   * partition cannot see them. Said, not folded.
   */
  private List<String> misplaced(String lockId, Instant from, Instant to) throws TimeoutException {
    String deadLetter = catalog.deadLetter().name();
    byte[] key = lockId.getBytes(StandardCharsets.UTF_8);
    List<String> found = new ArrayList<>();
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<byte[], byte[]> probe =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = probe.listTopics(timeout).get(deadLetter);
      if (infos == null) {
        return found; // no dead-letter topic: the app never refused anything
      }
    }
    for (ConsumerRecord<byte[], byte[]> record :
        BoundedTopicReader.readAll(clientConfig, deadLetter, timeout)) {
      if (!Arrays.equals(record.key(), key)
          || !"MISPARTITIONED".equals(header(record, DeadLetterHeaders.REASON))
          || (from != null && record.timestamp() < from.toEpochMilli())
          || (to != null && record.timestamp() >= to.plus(STOP_SLACK).toEpochMilli())) {
        continue;
      }
      found.add(
          header(record, DeadLetterHeaders.TOPIC)
              + "-"
              + header(record, DeadLetterHeaders.PARTITION)
              + "@"
              + header(record, DeadLetterHeaders.OFFSET)
              + " (dead letter "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + "): "
              + header(record, DeadLetterHeaders.MESSAGE));
    }
    return found;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Moves each partition's offset in {@code offsets} to the first record at or after {@code at}.
   */
  private void seekToTimes(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Instant at,
      Map<TopicPartition, Long> end,
      Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(partition -> query.put(partition, at.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
    for (TopicPartition partition : partitions) {
      OffsetAndTimestamp offset = found.get(partition);
      // No record at or after the time: nothing to read from there on.
      long position = offset == null ? end.get(partition) : offset.offset();
      offsets.put(partition, Math.min(position, end.get(partition)));
    }
  }
}
