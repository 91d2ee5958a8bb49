package io.lockwatch.streams.internals;

import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's locks by status, kept up to date on every status change and stored (changelogged) with
 * the locks themselves, so that the counts are restored with the state and never computed by
 * scanning the store when someone asks.
 */
final class StatusCounts {
  private final KeyValueStore<String, Long> store;
  private final Map<LockStatus, Long> counts = new EnumMap<>(LockStatus.class);

  /**
   * Loads the counts; a store written before counts were kept (no entry at all) is counted once
   * from {@code states}.
   */
  StatusCounts(KeyValueStore<String, Long> store, KeyValueStore<String, LockState> states) {
    this.store = store;
    boolean stored = false;
    for (LockStatus status : LockStatus.values()) {
      Long count = store.get(status.name());
      if (count != null) {
        stored = true;
        counts.put(status, count);
      }
    }
    if (!stored) {
      try (KeyValueIterator<String, LockState> all = states.all()) {
        all.forEachRemaining(entry -> counts.merge(entry.value.getStatus(), 1L, Long::sum));
      }
      for (LockStatus status : LockStatus.values()) {
        store.put(status.name(), counts.getOrDefault(status, 0L));
      }
    }
  }

  /** A lock moved from {@code before} (null: a lock new to the store) to {@code after}. */
  void moved(LockStatus before, LockStatus after) {
    if (before == after) {
      return;
    }
    if (before != null) {
      add(before, -1);
    }
    add(after, 1);
  }

  private void add(LockStatus status, long delta) {
    long count = counts.getOrDefault(status, 0L) + delta;
    counts.put(status, count);
    store.put(status.name(), count);
  }
}
