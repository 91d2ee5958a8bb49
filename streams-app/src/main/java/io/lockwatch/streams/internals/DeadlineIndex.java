package io.lockwatch.streams.internals;

import io.lockwatch.core.fold.CheckSchedule;
import io.lockwatch.events.LockState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Locks ordered by when they are next due for a check: keys are the check time (8 bytes,
 * big-endian, so byte order is time order) followed by the lock id. A check is found with one
 * bounded range scan; nothing is written on a heartbeat.
 *
 * <p>Scans start where the previous one ended, not at the start of the key space: entries are
 * removed from the low end like a queue, and a persistent store (RocksDB) would otherwise step over
 * every tombstone left by earlier scans until compaction drops them. The app keeps the index in
 * memory now (it is rebuilt from the lock states, see {@link #rebuild}); the cursor costs nothing
 * there and keeps the index right on either kind of store.
 */
public final class DeadlineIndex implements CheckSchedule {
  private static final byte[] NO_VALUE = new byte[0];

  private final KeyValueStore<Bytes, byte[]> store;
  private long scannedUpTo = -1;

  public DeadlineIndex(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  @Override
  public void schedule(Instant at, String lockId) {
    long millis = at.toEpochMilli();
    if (scannedUpTo >= 0 && millis < scannedUpTo) {
      // Only a clock that stepped back files an entry behind the scan; move the scan back to it.
      scannedUpTo = millis;
    }
    store.put(key(millis, lockId), NO_VALUE);
  }

  /**
   * {@inheritDoc}
   *
   * <p>If the visitor throws, the scan position stays where this scan began.
   */
  @Override
  public int visitDue(Instant now, int limit, Consumer<Check> visitor) {
    long to = now.toEpochMilli();
    // After a restart the first scan starts at zero once; later scans start after the last one.
    long from = scannedUpTo < 0 ? 0 : Math.min(scannedUpTo, to);
    List<Check> due = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> range = store.range(lowerBound(from), upperBound(to))) {
      while (range.hasNext() && due.size() < limit) {
        due.add(decode(range.next().key));
      }
    }
    // While visiting, schedule() moves scannedUpTo back below `from` for an entry filed there.
    scannedUpTo = from;
    for (Check entry : due) {
      remove(entry);
      visitor.accept(entry);
    }
    // Stopped early: the next scan resumes at the last entry's time (entries there may remain).
    long resumeAt = due.size() < limit ? to : due.get(due.size() - 1).at().toEpochMilli();
    scannedUpTo = scannedUpTo < from ? scannedUpTo : resumeAt;
    return due.size();
  }

  /**
   * Makes the index match {@code states}: every entry removed, then one per lock with a check
   * scheduled ({@code nextCheckAt}). The index is derived data, kept out of the changelog (it would
   * double the writes of every check); a task rebuilds it from its restored states when it starts.
   *
   * @return how many checks were filed
   */
  public int rebuild(ReadOnlyKeyValueStore<String, LockState> states) {
    return rebuild(states, state -> {});
  }

  /** As {@link #rebuild(ReadOnlyKeyValueStore)}, showing each state to {@code visitor} too. */
  public int rebuild(
      ReadOnlyKeyValueStore<String, LockState> states,
      java.util.function.Consumer<LockState> visitor) {
    List<Bytes> stale = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
      while (all.hasNext()) {
        stale.add(all.next().key);
      }
    }
    stale.forEach(key -> store.put(key, null));
    int filed = 0;
    try (KeyValueIterator<String, LockState> all = states.all()) {
      while (all.hasNext()) {
        KeyValue<String, LockState> lock = all.next();
        visitor.accept(lock.value);
        Instant next = io.lockwatch.core.LockStateMachine.checkAt(lock.value);
        if (next != null) {
          store.put(key(next.toEpochMilli(), lock.key), NO_VALUE);
          filed++;
        }
      }
    }
    scannedUpTo = -1;
    return filed;
  }

  /** Removes an entry; a plain put of null, which, unlike delete(), does not read first. */
  public void remove(Check entry) {
    store.put(key(entry.at().toEpochMilli(), entry.lockId()), null);
  }

  static Bytes key(long at, String lockId) {
    byte[] id = lockId.getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(at).put(id).array());
  }

  private static Bytes lowerBound(long at) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(at).array());
  }

  /** The first key after every key of {@code at}: the next millisecond's prefix. */
  private static Bytes upperBound(long at) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(at + 1).array());
  }

  private static Check decode(Bytes key) {
    ByteBuffer buffer = ByteBuffer.wrap(key.get());
    long at = buffer.getLong();
    return new Check(
        Instant.ofEpochMilli(at),
        new String(key.get(), Long.BYTES, key.get().length - Long.BYTES, StandardCharsets.UTF_8));
  }
}
