package io.lockwatch.cli.history;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The k-way merge of a history read's partitions by time, on the calling thread: hands on each
 * entry once no unread record can precede it, and tells the fetcher what it has released.
 */
/** The k-way merge of the partitions' records by time, on the calling thread. */
final class HistoryMerge {
  private final HistoryFetcher fetcher;
  private final ReadProgress progress;
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
  private long producerStamped;
  private final java.util.List<String> problems = new java.util.ArrayList<>();

  @SuppressWarnings("unchecked")
  HistoryMerge(HistoryFetcher fetcher, ReadProgress progress) {
    this.fetcher = fetcher;
    this.progress = progress;
    int count = fetcher.partitionCount();
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

  History.ReadSummary run(Instant from, Instant to, Consumer<Entry> sink)
      throws TimeoutException, InterruptedException {
    progress.start(fetcher.total());
    while (!allDone()) {
      HistoryFetcher.Handoff handoff = fetcher.take();
      if (handoff.failure() != null) {
        throw rethrow(handoff.failure());
      }
      for (HistoryFetcher.Batch batch : handoff.batches()) {
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
    return new History.ReadSummary(read, handed, undecodable, problems, producerStamped);
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

  private void add(HistoryFetcher.Batch batch) {
    batch.decode(fetcher);
    int i = batch.partition;
    read += batch.records.size();
    undecodable += batch.undecodable;
    producerStamped += batch.producerStamped;
    for (String problem : batch.problems) {
      if (problems.size() < History.LISTED_PROBLEMS) {
        problems.add(problem);
      }
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
