package io.lockwatch.core.fold;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Outcome;
import io.lockwatch.core.Transition;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LockFoldTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:12:00Z");
  private static final LockStateMachine RULES =
      new LockStateMachine(WatchPolicy.builder().missedBeats(3).build());

  private final Map<String, LockState> states = new HashMap<>();
  private final InMemoryCheckSchedule schedule = new InMemoryCheckSchedule();
  private final List<String> judged = new ArrayList<>();
  private final List<String> failed = new ArrayList<>();
  private final LockFold fold =
      new LockFold(
          RULES,
          new LockFold.LockStates() {
            @Override
            public LockState get(String lockId) {
              if (lockId.startsWith("poisoned") && states.containsKey(lockId)) {
                throw new IllegalStateException("unreadable state");
              }
              return states.get(lockId);
            }

            @Override
            public void put(String lockId, LockState state) {
              states.put(lockId, state);
            }
          },
          schedule,
          Duration.ofSeconds(1),
          new LockFold.Outcomes() {
            @Override
            public void applied(
                String lockId, LockStatus before, Transition transition, Instant now) {
              judged.add(lockId + " " + before + "->" + statusOf(lockId) + " at " + now);
            }

            @Override
            public void checkFailed(
                String lockId, RuntimeException error, Instant retryAt, Instant now) {
              failed.add(lockId + " retry at " + retryAt);
            }
          });

  @Test
  void shouldReclaimAFrozenLockWhenItsCheckFallsDue() {
    fold.onEvent("a.conf", acquired("a.conf", 10_000), T0);

    assertThat(fold.runDueChecks(T0.plusSeconds(29), 10)).isZero();
    assertThat(fold.runDueChecks(T0.plusSeconds(30), 10)).isEqualTo(1);

    assertThat(states.get("a.conf").getStatus()).isEqualTo(LockStatus.RECLAIM_PENDING);
    assertThat(judged)
        .containsExactly(
            "a.conf null->HELD at 2026-11-23T03:12:00Z",
            "a.conf HELD->RECLAIM_PENDING at 2026-11-23T03:12:30Z");
  }

  @Test
  void shouldDropACheckWhenALaterScheduleSupersedesIt() {
    fold.onEvent("a.conf", acquired("a.conf", 10_000), T0);
    schedule.schedule(T0.plusSeconds(5), "a.conf"); // an entry the lock has moved past

    assertThat(fold.runDueChecks(T0.plusSeconds(5), 10)).isEqualTo(1);

    assertThat(judged).hasSize(1);
    assertThat(schedule.nextDue()).contains(T0.plusSeconds(30));
  }

  @Test
  void shouldJudgeTheOtherLocksAndRetryWhenOneLocksCheckThrows() {
    fold.onEvent("a.conf", acquired("a.conf", 10_000), T0);
    states.put("poisoned.conf", RULES.onEvent(null, acquired("poisoned.conf", 10_000), T0).state());
    schedule.schedule(T0.plusSeconds(30).minusMillis(1), "poisoned.conf");

    fold.runDueChecks(T0.plusSeconds(30), 10);

    assertThat(failed).containsExactly("poisoned.conf retry at 2026-11-23T03:12:31Z");
    assertThat(states.get("a.conf").getStatus()).isEqualTo(LockStatus.RECLAIM_PENDING);
    assertThat(schedule.nextDue()).contains(T0.plusSeconds(31));
  }

  @Test
  void shouldReportTheRulesOutcomeWhenAnEventIsApplied() {
    LockEvent acquire = acquired("a.conf", 10_000);
    fold.onEvent("a.conf", acquire, T0);

    Transition again = fold.onEvent("a.conf", acquire, T0.plusSeconds(1));

    assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
  }

  @Test
  void shouldVisitChecksInTimeThenLockOrderAndStopAtTheLimit() {
    schedule.schedule(T0.plusSeconds(2), "b");
    schedule.schedule(T0.plusSeconds(1), "c");
    schedule.schedule(T0.plusSeconds(2), "a");
    List<String> visited = new ArrayList<>();

    int first = schedule.visitDue(T0.plusSeconds(2), 2, check -> visited.add(check.lockId()));
    int second = schedule.visitDue(T0.plusSeconds(2), 2, check -> visited.add(check.lockId()));

    assertThat(first).isEqualTo(2);
    assertThat(second).isEqualTo(1);
    assertThat(visited).containsExactly("c", "a", "b");
  }

  private String statusOf(String lockId) {
    LockState state = states.get(lockId);
    return state == null ? "null" : state.getStatus().toString();
  }

  private static LockEvent acquired(String lockId, long intervalMs) {
    return LockEvent.newBuilder()
        .setEventId("e-" + lockId)
        .setLockId(lockId)
        .setType(LockEventType.ACQUIRED)
        .setFencingToken(41)
        .setHolder(
            HolderIdentity.newBuilder()
                .setNodeId("node-7")
                .setHost("node-7.fleet")
                .setPid(4242)
                .setIncarnation("node-7-run-1")
                .build())
        .setOccurredAt(T0)
        .setSequence(0)
        .setHeartbeatIntervalMs(intervalMs)
        .build();
  }
}
