package io.lockwatch.cli.history;

import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.serde.AvroSerde;
import io.lockwatch.schemas.serde.AvroSerdeException;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

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

  // Polls handed over and not yet merged; the pause above bounds what they hold.
  private static final int POLLS_IN_FLIGHT = 4;
  private static final Duration POLL = Duration.ofMillis(100);

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
      for (TopicPartition partition : partitions) {
        consumer.seek(partition, start.get(partition));
      }
      Fetcher fetcher = new Fetcher(consumer, partitions, start, stop, decoders, selection);
      Thread thread = new Thread(fetcher::run, "lockwatch-history-fetcher");
      thread.setDaemon(true);
      thread.start();
      try {
        return new Merge(fetcher).run(from, to, sink);
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

  /**
   * One partition's records from one poll (below its stop offset), decoded into entries by
   * whichever thread gets to them first: the fetcher while the merge is busy, else the merge.
   */
  private final class Batch {
    final int partition;
    final List<ConsumerRecord<byte[], byte[]>> records;
    List<Entry> entries;
    long undecodable;
    String problem;

    Batch(int partition, List<ConsumerRecord<byte[], byte[]>> records) {
      this.partition = partition;
      this.records = records;
    }

    /** Decodes the records of the selected locks; a record that does not decode is counted. */
    void decode(Fetcher fetcher) {
      if (entries != null) {
        return;
      }
      String topic = fetcher.partition(partition).topic();
      AvroDeserializer<? extends SpecificRecord> decoder = fetcher.decoders.get(topic);
      entries = new ArrayList<>(records.size());
      for (ConsumerRecord<byte[], byte[]> record : records) {
        if (record.value() == null || !fetcher.selection.keyMatches(record.key())) {
          continue;
        }
        try {
          entries.add(
              Entry.of(
                  Instant.ofEpochMilli(record.timestamp()),
                  topic,
                  record.partition(),
                  record.offset(),
                  decoder.decode(topic, record.partition(), record.offset(), record.value())));
        } catch (AvroSerdeException e) {
          undecodable++;
          if (problem == null) {
            problem = e.getMessage();
          }
        }
      }
    }
  }

  /**
   * What one poll handed over: its batches, the partitions read to their stop offset, and the
   * records consumed so far; or the failure that ended the fetching.
   */
  private record Handoff(List<Batch> batches, int[] finished, long consumed, Throwable failure) {

    static Handoff failed(Throwable failure) {
      return new Handoff(List.of(), new int[0], 0, failure);
    }
  }

  /** Owns the consumer on its own thread: polls the partitions the merge has room for. */
  private final class Fetcher {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, AvroDeserializer<? extends SpecificRecord>> decoders;
    private final Selection selection;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Integer> index = new HashMap<>();
    private final long[] start;
    private final long[] stop;
    private final long total;
    private final BlockingQueue<Handoff> handoffs = new ArrayBlockingQueue<>(POLLS_IN_FLIGHT);
    // Records handed on and not yet merged (or dropped), per partition; written by both threads.
    private final AtomicIntegerArray pending;
    private final Object room = new Object();
    // Whether the merge is idle, waiting for a handoff: then records go to it undecoded.
    private volatile boolean mergeWaiting;

    Fetcher(
        KafkaConsumer<byte[], byte[]> consumer,
        List<TopicPartition> partitions,
        Map<TopicPartition, Long> start,
        Map<TopicPartition, Long> stop,
        Map<String, AvroDeserializer<? extends SpecificRecord>> decoders,
        Selection selection) {
      this.consumer = consumer;
      this.decoders = decoders;
      this.selection = selection;
      this.partitions = partitions;
      this.start = new long[partitions.size()];
      this.stop = new long[partitions.size()];
      this.pending = new AtomicIntegerArray(partitions.size());
      long sum = 0;
      for (int i = 0; i < partitions.size(); i++) {
        TopicPartition partition = partitions.get(i);
        index.put(partition, i);
        this.start[i] = start.get(partition);
        this.stop[i] = stop.get(partition);
        sum += Math.max(0, this.stop[i] - this.start[i]);
      }
      this.total = sum;
    }

    boolean initiallyDone(int i) {
      return start[i] >= stop[i];
    }

    TopicPartition partition(int i) {
      return partitions.get(i);
    }

    Handoff take() throws InterruptedException {
      Handoff handoff = handoffs.poll();
      if (handoff == null) {
        mergeWaiting = true;
        try {
          handoff = handoffs.take();
        } finally {
          mergeWaiting = false;
        }
      }
      return handoff;
    }

    /** The merge has merged or dropped {@code count} more records of partition {@code i}. */
    void released(int i, int count) {
      int now = pending.addAndGet(i, -count);
      if (now < bufferPerPartition && now + count >= bufferPerPartition) {
        synchronized (room) {
          room.notifyAll();
        }
      }
    }

    void run() {
      try {
        fetch();
      } catch (InterruptedException | InterruptException e) {
        // The merge has stopped reading.
      } catch (Throwable e) {
        handoffs.clear();
        handoffs.offer(Handoff.failed(e));
      }
    }

    private void fetch() throws InterruptedException, TimeoutException {
      int count = partitions.size();
      boolean[] done = new boolean[count];
      boolean[] paused = new boolean[count];
      int open = 0;
      for (int i = 0; i < count; i++) {
        done[i] = initiallyDone(i);
        if (!done[i]) {
          open++;
        }
      }
      long idleSince = System.nanoTime();
      while (open > 0) {
        if (!adjustPauses(done, paused)) {
          // Every partition left is ahead of the merge: wait for it to catch up.
          synchronized (room) {
            while (!hasRoom(done)) {
              room.wait(POLL.toMillis());
            }
          }
          idleSince = System.nanoTime();
          continue;
        }
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL);
        List<Batch> batches = new ArrayList<>(polled.partitions().size());
        for (TopicPartition partition : polled.partitions()) {
          int i = index.get(partition);
          List<ConsumerRecord<byte[], byte[]>> records = polled.records(partition);
          int below = 0;
          while (below < records.size() && records.get(below).offset() < stop[i]) {
            below++;
          }
          if (below > 0) {
            pending.addAndGet(i, below);
            batches.add(new Batch(i, records.subList(0, below)));
          }
        }
        int[] finished = new int[count];
        int f = 0;
        for (int i = 0; i < count; i++) {
          if (!done[i] && consumer.position(partitions.get(i), timeout) >= stop[i]) {
            done[i] = true;
            finished[f++] = i;
            open--;
          }
        }
        if (!batches.isEmpty()) {
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince > timeout.toNanos()) {
          throw new TimeoutException(
              "No records arrived for " + timeout.toSeconds() + " s before the end of the window");
        }
        if (!batches.isEmpty() || f > 0) {
          for (Batch batch : batches) {
            if (mergeWaiting) {
              break;
            }
            batch.decode(this);
          }
          handoffs.put(new Handoff(batches, Arrays.copyOf(finished, f), consumed(), null));
        }
      }
    }

    /** Pauses the partitions ahead of the merge, resumes the others; false if none is left. */
    private boolean adjustPauses(boolean[] done, boolean[] paused) {
      List<TopicPartition> pause = new ArrayList<>();
      List<TopicPartition> resume = new ArrayList<>();
      boolean fetching = false;
      for (int i = 0; i < partitions.size(); i++) {
        boolean hold = done[i] || pending.get(i) >= bufferPerPartition;
        if (hold && !paused[i]) {
          pause.add(partitions.get(i));
        } else if (!hold && paused[i]) {
          resume.add(partitions.get(i));
        }
        paused[i] = hold;
        fetching |= !hold;
      }
      if (!pause.isEmpty()) {
        consumer.pause(pause);
      }
      if (!resume.isEmpty()) {
        consumer.resume(resume);
      }
      return fetching;
    }

    private boolean hasRoom(boolean[] done) {
      for (int i = 0; i < partitions.size(); i++) {
        if (!done[i] && pending.get(i) < bufferPerPartition) {
          return true;
        }
      }
      return false;
    }

    private long consumed() {
      long sum = 0;
      for (int i = 0; i < partitions.size(); i++) {
        sum += Math.min(consumer.position(partitions.get(i)), stop[i]) - start[i];
      }
      return sum;
    }
  }

  /** The k-way merge of the partitions' records by time, on the calling thread. */
  private final class Merge {
    private final Fetcher fetcher;
    private final ArrayDeque<Entry>[] buffers;
    private final boolean[] done;
    private final int[] released;
    // Partitions whose buffer has a head, by that head's time.
    private final PriorityQueue<Integer> heads;
    // Partitions with nothing buffered that may still hold records: until there are none, the
    // earliest head may not be the earliest record.
    private int waiting;
    private long read;
    private long handed;
    private long undecodable;
    private String firstProblem;

    @SuppressWarnings("unchecked")
    Merge(Fetcher fetcher) {
      this.fetcher = fetcher;
      int count = fetcher.partitions.size();
      this.buffers = new ArrayDeque[count];
      this.done = new boolean[count];
      this.released = new int[count];
      this.heads =
          new PriorityQueue<>(
              Math.max(1, count),
              (a, b) -> Entry.TIME_ORDER.compare(buffers[a].peek(), buffers[b].peek()));
      for (int i = 0; i < count; i++) {
        buffers[i] = new ArrayDeque<>();
        done[i] = fetcher.initiallyDone(i);
        if (!done[i]) {
          waiting++;
        }
      }
    }

    ReadSummary run(Instant from, Instant to, Consumer<Entry> sink)
        throws TimeoutException, InterruptedException {
      progress.start(fetcher.total);
      while (!allDone()) {
        Handoff handoff = fetcher.take();
        if (handoff.failure() != null) {
          throw rethrow(handoff.failure());
        }
        for (Batch batch : handoff.batches()) {
          add(batch);
        }
        for (int i : handoff.finished()) {
          done[i] = true;
          if (buffers[i].isEmpty()) {
            waiting--;
          }
        }
        emitReady(from, to, sink);
        for (int i = 0; i < released.length; i++) {
          if (released[i] > 0) {
            fetcher.released(i, released[i]);
            released[i] = 0;
          }
        }
        progress.update(handoff.consumed());
      }
      progress.finish();
      return new ReadSummary(read, handed, undecodable, firstProblem);
    }

    private static TimeoutException rethrow(Throwable failure) {
      if (failure instanceof TimeoutException timeout) {
        return timeout;
      } else if (failure instanceof RuntimeException runtime) {
        throw runtime;
      } else if (failure instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(failure);
    }

    private void add(Batch batch) {
      batch.decode(fetcher);
      int i = batch.partition;
      read += batch.records.size();
      undecodable += batch.undecodable;
      if (firstProblem == null) {
        firstProblem = batch.problem;
      }
      released[i] += batch.records.size() - batch.entries.size();
      if (batch.entries.isEmpty()) {
        return;
      }
      boolean wasEmpty = buffers[i].isEmpty();
      buffers[i].addAll(batch.entries);
      if (wasEmpty) {
        heads.add(i);
        if (!done[i]) {
          waiting--;
        }
      }
    }

    private boolean allDone() {
      for (int i = 0; i < done.length; i++) {
        if (!done[i] || !buffers[i].isEmpty()) {
          return false;
        }
      }
      return true;
    }

    /** Hands on every buffered entry no unread record can precede. */
    private void emitReady(Instant from, Instant to, Consumer<Entry> sink) {
      while (waiting == 0 && !heads.isEmpty()) {
        int i = heads.poll();
        Entry first = buffers[i].poll();
        released[i]++;
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
