package io.lockwatch.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Listing locks is bounded in memory and time however many there are: a million locks over six
 * partitions, generated on the fly, are paged through without any request reading them all.
 */
class LockPagesTest {
  private static final int PARTITIONS = 6;

  private final AtomicLong read = new AtomicLong();

  @Test
  void shouldReadOnlyAPageWorthWhenAMillionLocksAreListed() {
    List<ReadOnlyKeyValueStore<String, LockState>> stores = stores(1_000_000, i -> false);

    LockPages.Page<LockState> page = LockPages.local(stores, query(Optional.empty(), null, 1_000));

    assertThat(page.locks()).hasSize(1_000);
    assertThat(page.locks().get(0).getLockId()).isEqualTo("lock-0000000");
    assertThat(page.locks().get(999).getLockId()).isEqualTo("lock-0000999");
    assertThat(page.next()).contains("lock-0000999");
    assertThat(read.get()).isLessThanOrEqualTo(1_000 + PARTITIONS);
  }

  @Test
  void shouldStopAtTheScanBoundAndSayWhereToGoOnWhenAFilterMatchesNothing() {
    List<ReadOnlyKeyValueStore<String, LockState>> stores = stores(1_000_000, i -> false);

    LockPages.Page<LockState> page =
        LockPages.local(stores, query(Optional.of(LockStatus.STALE), null, 1_000));

    assertThat(page.locks()).isEmpty();
    assertThat(page.next()).contains(String.format("lock-%07d", LockPages.MAX_SCANNED - 1));
    assertThat(read.get()).isLessThanOrEqualTo(LockPages.MAX_SCANNED + PARTITIONS);
  }

  @Test
  void shouldReturnEveryMatchExactlyOnceWhenPagingThroughWithAFilter() {
    List<ReadOnlyKeyValueStore<String, LockState>> stores = stores(300_000, i -> i % 997 == 0);
    List<String> seen = new ArrayList<>();
    String after = null;
    int requests = 0;
    do {
      LockPages.Page<LockState> page =
          LockPages.local(stores, query(Optional.of(LockStatus.STALE), after, 50));
      page.locks().forEach(lock -> seen.add(lock.getLockId()));
      after = page.next().orElse(null);
      requests++;
    } while (after != null);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300_000; i += 997) {
      expected.add(String.format("lock-%07d", i));
    }
    assertThat(seen).isEqualTo(expected);
    assertThat(requests).isGreaterThanOrEqualTo(expected.size() / 50);
  }

  @Test
  void shouldKeepOnlyKeysEveryInstanceCoveredWhenMergingPages() {
    LockPages.Page<String> first = new LockPages.Page<>(List.of("a", "c", "e"), Optional.of("e"));
    LockPages.Page<String> second = new LockPages.Page<>(List.of("b", "f"), Optional.empty());
    LockPages.Page<String> third = new LockPages.Page<>(List.of("d"), Optional.of("d"));

    LockPages.Page<String> merged = LockPages.merge(List.of(first, second, third), key -> key, 10);

    assertThat(merged.locks()).containsExactly("a", "b", "c", "d");
    assertThat(merged.next()).contains("d");
    assertThat(LockPages.merge(List.of(first, second, third), key -> key, 2))
        .isEqualTo(new LockPages.Page<>(List.of("a", "b"), Optional.of("b")));
    assertThat(LockPages.merge(List.of(second), key -> key, 10).next()).isEmpty();
  }

  private static LockPages.Query query(Optional<LockStatus> status, String after, int limit) {
    return new LockPages.Query(status, null, "", after, limit);
  }

  /** {@code count} locks "lock-0000000"... spread over the partitions; {@code stale} says which. */
  private List<ReadOnlyKeyValueStore<String, LockState>> stores(int count, IntPredicate stale) {
    List<ReadOnlyKeyValueStore<String, LockState>> stores = new ArrayList<>();
    for (int partition = 0; partition < PARTITIONS; partition++) {
      stores.add(new GeneratedStore(partition, count, stale));
    }
    return stores;
  }

  /** One partition's locks, made as they are read; counts what it hands out. */
  private final class GeneratedStore implements ReadOnlyKeyValueStore<String, LockState> {
    private final int partition;
    private final int count;
    private final IntPredicate stale;

    GeneratedStore(int partition, int count, IntPredicate stale) {
      this.partition = partition;
      this.count = count;
      this.stale = stale;
    }

    @Override
    public KeyValueIterator<String, LockState> range(String from, String to) {
      int start = from == null || from.isEmpty() ? 0 : Integer.parseInt(from.substring(5));
      return new KeyValueIterator<>() {
        private int next = firstOfPartition(start);

        @Override
        public boolean hasNext() {
          return next < count;
        }

        @Override
        public KeyValue<String, LockState> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          int i = next;
          next += PARTITIONS;
          read.incrementAndGet();
          String id = String.format("lock-%07d", i);
          return KeyValue.pair(id, state(id, stale.test(i) ? LockStatus.STALE : LockStatus.HELD));
        }

        @Override
        public String peekNextKey() {
          throw new UnsupportedOperationException();
        }

        @Override
        public void close() {}
      };
    }

    private int firstOfPartition(int start) {
      int offset = Math.floorMod(partition - start, PARTITIONS);
      return start + offset;
    }

    @Override
    public LockState get(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyValueIterator<String, LockState> all() {
      return range(null, null);
    }

    @Override
    public long approximateNumEntries() {
      return count / PARTITIONS;
    }
  }

  private static LockState state(String id, LockStatus status) {
    return LockState.newBuilder()
        .setLockId(id)
        .setStatus(status)
        .setFencingToken(1)
        .setThresholdMs(30_000)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }
}
