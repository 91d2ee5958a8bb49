package io.lockwatch.cli.history;

import io.lockwatch.core.clock.Tick;
import io.lockwatch.events.LockEvent;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.serde.AvroSerdeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.record.TimestampType;

/**
 * Owns the consumer of a history read on a thread of its own: polls the partitions the merge has
 * room for (pausing those ahead of it), decodes while the merge is busy, and hands each poll's
 * records over. Errors are handed over too, and rethrown on the merging thread.
 */
final class HistoryFetcher {
  /** Owns the consumer on its own thread: polls the partitions the merge has room for. */
  // Polls handed over and not yet merged; the pause above bounds what they hold.
  private static final int POLLS_IN_FLIGHT = 4;

  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final int bufferPerPartition;
  private final Duration timeout;
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

  HistoryFetcher(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> stop,
      Map<String, AvroDeserializer<? extends SpecificRecord>> decoders,
      Selection selection,
      int bufferPerPartition,
      Duration timeout) {
    this.consumer = consumer;
    this.bufferPerPartition = bufferPerPartition;
    this.timeout = timeout;
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

  /** How many partitions this read covers. */
  int partitionCount() {
    return partitions.size();
  }

  /** How many records the read covers in all. */
  long total() {
    return total;
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

  /**
   * One partition's records from one poll (below its stop offset), decoded into entries by
   * whichever thread gets to them first: the fetcher while the merge is busy, else the merge.
   */
  static final class Batch {
    final int partition;
    final List<ConsumerRecord<byte[], byte[]>> records;
    List<Entry> entries;
    long undecodable;
    long producerStamped;
    final List<String> problems = new ArrayList<>();

    Batch(int partition, List<ConsumerRecord<byte[], byte[]>> records) {
      this.partition = partition;
      this.records = records;
    }

    /**
     * Decodes the records of the selected locks. A record that is not valid input is counted and
     * listed; a registry that cannot be reached fails the read (a history with holes would be told
     * as the truth).
     */
    void decode(HistoryFetcher fetcher) {
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
          SpecificRecord value =
              decoder.decode(topic, record.partition(), record.offset(), record.value());
          if (value instanceof LockEvent event && Tick.isTick(event)) {
            continue; // the log's clock, not history: the app judged on it, its outputs say when
          }
          Entry entry =
              Entry.of(
                  Instant.ofEpochMilli(record.timestamp()),
                  topic,
                  record.partition(),
                  record.offset(),
                  value);
          if (record.timestampType() != TimestampType.LOG_APPEND_TIME
              && (entry.kind() == Entry.Kind.EVENT || entry.kind() == Entry.Kind.ACTION)) {
            producerStamped++;
          }
          entries.add(entry);
        } catch (AvroSerdeException e) {
          if (e.kind() == AvroSerdeException.Kind.REGISTRY_FAILURE) {
            throw e;
          }
          undecodable++;
          if (problems.size() < History.LISTED_PROBLEMS) {
            problems.add(
                topic + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage());
          }
        }
      }
    }
  }

  /**
   * What one poll handed over: its batches, the partitions read to their stop offset, and the
   * records consumed so far; or the failure that ended the fetching.
   */
  record Handoff(List<Batch> batches, int[] finished, long consumed, Throwable failure) {

    static Handoff failed(Throwable failure) {
      return new Handoff(List.of(), new int[0], 0, failure);
    }
  }
}
