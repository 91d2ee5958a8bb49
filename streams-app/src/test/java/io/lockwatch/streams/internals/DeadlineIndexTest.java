package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deadline index: time order, the per-punctuation limit, the scan cursor, clock steps. */
class DeadlineIndexTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:12:00Z");

  private KeyValueStore<Bytes, byte[]> store;
  private DeadlineIndex index;

  @BeforeEach
  void openStore() {
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("deadline-index"), Serdes.Bytes(), Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
    index = new DeadlineIndex(store);
  }

  @Test
  void shouldVisitDueEntriesInTimeOrderAndRemoveThemWhenTheirTimeHasCome() {
    index.schedule(T0.plusMillis(30), "c");
    index.schedule(T0.plusMillis(10), "b");
    index.schedule(T0.plusMillis(10), "a");
    index.schedule(T0.plusMillis(50), "later");

    List<String> visited = visit(T0.plusMillis(30), 100);

    assertThat(visited).containsExactly("a@10", "b@10", "c@30");
    assertThat(visit(T0.plusMillis(40), 100)).isEmpty();
    assertThat(visit(T0.plusMillis(50), 100)).containsExactly("later@50");
  }

  @Test
  void shouldResumeWhereItStoppedWhenThePerPunctuationLimitIsReached() {
    for (int i = 0; i < 5; i++) {
      index.schedule(T0.plusMillis(i), "lock-" + i);
    }

    assertThat(visit(T0.plusMillis(10), 2)).containsExactly("lock-0@0", "lock-1@1");
    assertThat(visit(T0.plusMillis(10), 2)).containsExactly("lock-2@2", "lock-3@3");
    assertThat(visit(T0.plusMillis(10), 2)).containsExactly("lock-4@4");
  }

  @Test
  void shouldFindAnEntryFiledBehindTheScanWhenTheClockStepsBack() {
    index.schedule(T0.plusMillis(100), "a");
    assertThat(visit(T0.plusMillis(100), 10)).containsExactly("a@100");

    // The clock stepped back 60 ms: a check filed at "now + 10 ms" lies behind the last scan.
    index.schedule(T0.plusMillis(50), "b");

    assertThat(visit(T0.plusMillis(60), 10)).containsExactly("b@50");
  }

  @Test
  void shouldNotPassAnEntryWhenTheVisitorThrows() {
    index.schedule(T0.plusMillis(1), "a");
    index.schedule(T0.plusMillis(2), "b");
    List<String> visited = new ArrayList<>();

    try {
      index.visitDue(
          T0.plusMillis(5),
          10,
          entry -> {
            throw new IllegalStateException("store unavailable");
          });
    } catch (IllegalStateException expected) {
      // the task fails; exactly-once rolls the store back and the scan starts again
    }
    index.schedule(T0.plusMillis(1), "a"); // the rolled-back store has it again

    index.visitDue(T0.plusMillis(5), 10, entry -> visited.add(entry.lockId()));
    assertThat(visited).containsExactly("a", "b");
  }

  @Test
  void shouldVisitAnEntryRefiledForARetryWhenItsNewTimeComes() {
    index.schedule(T0.plusMillis(1), "flaky");
    List<String> first = new ArrayList<>();
    index.visitDue(
        T0.plusMillis(5),
        10,
        entry -> {
          first.add(entry.lockId());
          index.schedule(T0.plusMillis(1_005), entry.lockId());
        });

    assertThat(first).containsExactly("flaky");
    assertThat(visit(T0.plusMillis(1_004), 10)).isEmpty();
    assertThat(visit(T0.plusMillis(1_005), 10)).containsExactly("flaky@1005");
  }

  private List<String> visit(Instant now, int limit) {
    List<String> visited = new ArrayList<>();
    index.visitDue(
        now,
        limit,
        entry ->
            visited.add(entry.lockId() + "@" + (entry.at().toEpochMilli() - T0.toEpochMilli())));
    return visited;
  }

  @Test
  void shouldFileOneCheckPerScheduledLockAndDropEverythingElseWhenRebuiltFromTheStates() {
    KeyValueStore<String, LockState> states =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("lock-state-store"),
                Serdes.String(),
                new LockStateStoreSerde())
            .withLoggingDisabled()
            .build();
    states.init(new MockProcessorContext<>().getStateStoreContext(), states);
    states.put("due.conf", state("due.conf", T0.plusMillis(20)));
    states.put("later.conf", state("later.conf", T0.plusMillis(90)));
    states.put("free.conf", state("free.conf", null));
    index.schedule(T0.plusMillis(5), "stale-entry");
    index.schedule(T0.plusMillis(20), "due.conf");
    visit(T0.plusMillis(1), 100); // moves the scan cursor

    int filed = index.rebuild(states);

    assertThat(filed).isEqualTo(2);
    assertThat(visit(T0.plusMillis(100), 100)).containsExactly("due.conf@20", "later.conf@90");
  }

  private static LockState state(String lockId, Instant nextCheckAt) {
    return LockState.newBuilder()
        .setLockId(lockId)
        .setStatus(nextCheckAt == null ? LockStatus.FREE : LockStatus.HELD)
        .setFencingToken(1)
        .setThresholdMs(30_000)
        .setNextCheckAt(nextCheckAt)
        .setUpdatedAt(T0)
        .build();
  }
}
