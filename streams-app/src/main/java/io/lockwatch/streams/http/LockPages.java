package io.lockwatch.streams.http;

import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One page of locks, in lock-id order (UTF-8 bytes, as the stores keep them), after a cursor. Each
 * request is bounded in memory (at most {@code limit} locks) and in time (at most {@link
 * #MAX_SCANNED} locks read per instance): a page cut short by the scan bound still says where to go
 * on ({@code next}), so a client pages through a million locks without any request scanning them
 * all.
 */
final class LockPages {
  static final int DEFAULT_LIMIT = 1_000;
  static final int MAX_LIMIT = 10_000;

  /**
   * Locks read per instance and request at most: at a million locks under full load, a filter that
   * matches little read 100,000 in 1.25 s; half of that answers within a second.
   */
  static final int MAX_SCANNED = 50_000;

  /** Orders lock ids as RocksDB orders their keys: by unsigned UTF-8 bytes. */
  static final Comparator<String> KEY_ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private LockPages() {}

  /** What to list: filters, the cursor and the page size. */
  record Query(Optional<LockStatus> status, String holder, String prefix, String after, int limit) {

    boolean matches(LockState state) {
      return status.map(wanted -> wanted == state.getStatus()).orElse(true)
          && (holder == null
              || state.getHolder() != null && state.getHolder().getNodeId().equals(holder));
    }

    /** The first key a scan may return. */
    String from() {
      if (after == null) {
        return prefix;
      }
      return KEY_ORDER.compare(after, prefix) > 0 ? after : prefix;
    }
  }

  /**
   * One page: the matching locks, and where the next page starts, if anything may remain (the last
   * key this page covers: every match up to it is in the page).
   */
  record Page<T>(List<T> locks, Optional<String> next) {}

  /** A page from this instance's stores, one per local partition, merged by key. */
  static Page<LockState> local(List<ReadOnlyKeyValueStore<String, LockState>> stores, Query query) {
    List<KeyValueIterator<String, LockState>> open = new ArrayList<>();
    try {
      PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> KEY_ORDER.compare(a.key, b.key));
      for (ReadOnlyKeyValueStore<String, LockState> store : stores) {
        KeyValueIterator<String, LockState> range = store.range(query.from(), null);
        open.add(range);
        Head.next(range, query).ifPresent(heads::add);
      }
      List<LockState> locks = new ArrayList<>();
      int scanned = 0;
      String last = null;
      while (!heads.isEmpty()) {
        if (locks.size() == query.limit() || scanned == MAX_SCANNED) {
          return new Page<>(locks, Optional.ofNullable(last));
        }
        Head head = heads.poll();
        scanned++;
        last = head.key;
        if (query.matches(head.value)) {
          locks.add(head.value);
        }
        Head.next(head.range, query).ifPresent(heads::add);
      }
      return new Page<>(locks, Optional.empty());
    } finally {
      open.forEach(KeyValueIterator::close);
    }
  }

  /**
   * Merges pages from several instances (each sorted by key): the merged page holds only keys every
   * instance has covered, so nothing is skipped between pages.
   */
  static <T> Page<T> merge(
      List<Page<T>> pages, java.util.function.Function<T, String> keyOf, int limit) {
    Optional<String> bound =
        pages.stream().map(Page::next).flatMap(Optional::stream).min(KEY_ORDER);
    Predicate<String> covered = key -> bound.map(b -> KEY_ORDER.compare(key, b) <= 0).orElse(true);
    List<T> all = new ArrayList<>();
    for (Page<T> page : pages) {
      for (T lock : page.locks()) {
        if (covered.test(keyOf.apply(lock))) {
          all.add(lock);
        }
      }
    }
    all.sort(Comparator.comparing(keyOf, KEY_ORDER));
    if (all.size() > limit) {
      List<T> cut = new ArrayList<>(all.subList(0, limit));
      return new Page<>(cut, Optional.of(keyOf.apply(cut.get(cut.size() - 1))));
    }
    return new Page<>(all, bound);
  }

  /** The next key of one partition's range, with its iterator. */
  private static final class Head {
    private final String key;
    private final LockState value;
    private final KeyValueIterator<String, LockState> range;

    private Head(KeyValue<String, LockState> entry, KeyValueIterator<String, LockState> range) {
      this.key = entry.key;
      this.value = entry.value;
      this.range = range;
    }

    /** The range's next key after the cursor and within the prefix, if any. */
    static Optional<Head> next(KeyValueIterator<String, LockState> range, Query query) {
      while (range.hasNext()) {
        KeyValue<String, LockState> entry = range.next();
        if (!entry.key.startsWith(query.prefix())) {
          return Optional.empty(); // sorted: nothing further has the prefix
        }
        if (query.after() == null || !entry.key.equals(query.after())) {
          return Optional.of(new Head(entry, range));
        }
      }
      return Optional.empty();
    }
  }
}
