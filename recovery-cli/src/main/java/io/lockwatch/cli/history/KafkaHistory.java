package io.lockwatch.cli.history;

import io.lockwatch.cli.output.Progress;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.serde.AvroSerde;
import io.lockwatch.schemas.serde.AvroSerdeException;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A lock history read from Lockwatch's topics: lock events, alerts, reclaim commands and operator
 * actions, merged into one time-ordered stream.
 *
 * <p>Bounded and passive: each partition is read from the first record at or after {@code from}
 * ({@code offsetsForTimes}) up to the end offset taken when the read starts; {@code
 * read_committed}; no consumer group, nothing committed, nothing written. Memory stays bounded:
 * each partition buffers at most {@link #BUFFER_PER_PARTITION} records (a partition that runs ahead
 * is paused), and a record is handed on as soon as no other partition can still hold an earlier
 * one. One lock's records are read from the one partition its id hashes to (the default
 * partitioner, which Lockwatch and its publishers use), and records of other locks are skipped
 * before they are decoded.
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
  private final Progress progress;

  public KafkaHistory(
      Map<String, Object> clientConfig, TopicCatalog catalog, Duration timeout, Progress progress) {
    this.clientConfig = clientConfig;
    this.catalog = catalog;
    this.timeout = timeout;
    this.progress = progress;
  }

  @Override
  public ReadSummary read(Instant from, Instant to, Selection selection, Consumer<Entry> sink)
      throws TimeoutException {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
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
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic<String, ? extends SpecificRecord> topic : topics) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), timeout);
        if (infos == null || infos.isEmpty()) {
          throw new IllegalStateException(
              "Topic " + topic.name() + " does not exist (is this Lockwatch's cluster?)");
        }
        if (selection.lockId().isPresent()) {
          byte[] key = selection.lockId().get().getBytes(StandardCharsets.UTF_8);
          partitions.add(
              new TopicPartition(
                  topic.name(), Utils.toPositive(Utils.murmur2(key)) % infos.size()));
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
      long total = 0;
      for (TopicPartition partition : partitions) {
        consumer.seek(partition, start.get(partition));
        total += Math.max(0, stop.get(partition) - start.get(partition));
      }
      Merge merge = new Merge(partitions, start, stop, total);
      return merge.run(consumer, decoders, from, to, selection, sink);
    }
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

  /** The k-way merge of the partitions' records by time. */
  private final class Merge {
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Integer> index = new HashMap<>();
    private final Map<TopicPartition, Long> start;
    private final Map<TopicPartition, Long> stop;
    private final ArrayDeque<Entry>[] buffers;
    private final boolean[] done;
    // Partitions whose buffer has a head, by that head's time.
    private final PriorityQueue<Integer> heads;
    // Partitions with nothing buffered that may still hold records: until there are none, the
    // earliest head may not be the earliest record.
    private int waiting;
    private final long total;
    private long read;
    private long handed;
    private long undecodable;
    private String firstProblem;

    @SuppressWarnings("unchecked")
    Merge(
        List<TopicPartition> partitions,
        Map<TopicPartition, Long> start,
        Map<TopicPartition, Long> stop,
        long total) {
      this.partitions = partitions;
      this.start = start;
      this.stop = stop;
      this.total = total;
      this.buffers = new ArrayDeque[partitions.size()];
      this.done = new boolean[partitions.size()];
      this.heads =
          new PriorityQueue<>(
              Math.max(1, partitions.size()),
              (a, b) -> Entry.TIME_ORDER.compare(buffers[a].peek(), buffers[b].peek()));
      for (int i = 0; i < partitions.size(); i++) {
        TopicPartition partition = partitions.get(i);
        index.put(partition, i);
        buffers[i] = new ArrayDeque<>();
        done[i] = start.get(partition) >= stop.get(partition);
        if (!done[i]) {
          waiting++;
        }
      }
    }

    ReadSummary run(
        KafkaConsumer<byte[], byte[]> consumer,
        Map<String, AvroDeserializer<? extends SpecificRecord>> decoders,
        Instant from,
        Instant to,
        Selection selection,
        Consumer<Entry> sink)
        throws TimeoutException {
      List<TopicPartition> paused = new ArrayList<>();
      long idleSince = System.nanoTime();
      progress.start(total);
      while (true) {
        emitReady(from, to, sink);
        if (allDone()) {
          break;
        }
        // Only partitions that are not ahead of the others are fetched.
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i++) {
          TopicPartition partition = partitions.get(i);
          boolean full = buffers[i].size() >= BUFFER_PER_PARTITION || done[i];
          if (full && !paused.contains(partition)) {
            pause.add(partition);
          } else if (!full && paused.contains(partition)) {
            resume.add(partition);
          }
        }
        if (!pause.isEmpty()) {
          consumer.pause(pause);
          paused.addAll(pause);
        }
        if (!resume.isEmpty()) {
          consumer.resume(resume);
          paused.removeAll(resume);
        }
        int polled = 0;
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= stop.get(partition)) {
            continue;
          }
          polled++;
          read++;
          if (record.value() == null || !selection.keyMatches(record.key())) {
            continue;
          }
          SpecificRecord value;
          try {
            value =
                decoders
                    .get(record.topic())
                    .decode(record.topic(), record.partition(), record.offset(), record.value());
          } catch (AvroSerdeException e) {
            undecodable++;
            if (firstProblem == null) {
              firstProblem = e.getMessage();
            }
            continue;
          }
          int i = index.get(partition);
          boolean wasEmpty = buffers[i].isEmpty();
          buffers[i].add(
              Entry.of(
                  Instant.ofEpochMilli(record.timestamp()),
                  record.topic(),
                  record.partition(),
                  record.offset(),
                  value));
          if (wasEmpty) {
            heads.add(i);
            waiting--;
          }
        }
        for (int i = 0; i < partitions.size(); i++) {
          if (!done[i]
              && consumer.position(partitions.get(i), timeout) >= stop.get(partitions.get(i))) {
            done[i] = true;
            if (buffers[i].isEmpty()) {
              waiting--;
            }
          }
        }
        if (polled > 0) {
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince > timeout.toNanos()) {
          throw new TimeoutException(
              "No records arrived for " + timeout.toSeconds() + " s before the end of the window");
        }
        progress.update(consumed(consumer));
      }
      progress.finish();
      return new ReadSummary(read, handed, undecodable, firstProblem);
    }

    private boolean allDone() {
      for (int i = 0; i < done.length; i++) {
        if (!done[i] || !buffers[i].isEmpty()) {
          return false;
        }
      }
      return true;
    }

    private long consumed(KafkaConsumer<byte[], byte[]> consumer) {
      long sum = 0;
      for (TopicPartition partition : partitions) {
        sum += Math.min(consumer.position(partition), stop.get(partition)) - start.get(partition);
      }
      return sum;
    }

    /** Hands on every buffered entry no unread record can precede. */
    private void emitReady(Instant from, Instant to, Consumer<Entry> sink) {
      while (waiting == 0 && !heads.isEmpty()) {
        int i = heads.poll();
        Entry first = buffers[i].poll();
        if (!buffers[i].isEmpty()) {
          heads.add(i);
        } else if (!done[i]) {
          waiting++;
        }
        if ((from == null || !first.time().isBefore(from))
            && (to == null || first.time().isBefore(to))) {
          handed++;
          sink.accept(first);
        }
      }
    }
  }
}
