package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.events.ReclaimCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mass-stale brake counts failures by holder node: one node that dies with fifty locks, or
 * three of twenty nodes, are reclaimed at once; twelve of twenty going silent together is more
 * likely the watcher's fault, so nothing is reclaimed automatically, one MASS_STALE alert says why,
 * and the locks wait for an operator's approval.
 */
class MassStaleBrakeTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1); // threshold 3 s
  private static final int NODES = 20;

  private WatchdogHarness lockwatch;
  // lock id -> its holder node's index
  private final Map<String, Integer> holdings = new TreeMap<>();
  private final Set<Integer> dead = new HashSet<>();

  @BeforeEach
  void start() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
  }

  @AfterEach
  void close() {
    lockwatch.close();
  }

  private static HolderIdentity node(int index) {
    return HolderIdentity.newBuilder()
        .setNodeId("node-" + index)
        .setHost("node-" + index + ".fleet.local")
        .setPid(1000 + index)
        .setIncarnation("node-" + index + "-run-1")
        .build();
  }

  /** Node 0 holds {@code onFirst} locks, every other node two. */
  private void fleet(int onFirst) {
    for (int n = 0; n < NODES; n++) {
      int locks = n == 0 ? onFirst : 2;
      for (int i = 0; i < locks; i++) {
        String lock = "cfg-" + n + "-" + i + ".conf";
        holdings.put(lock, n);
        lockwatch.acquire(lock, node(n), 1, INTERVAL);
      }
    }
  }

  /** Runs the fleet for {@code duration}: every live node beats every lock each second. */
  private void run(Duration duration) {
    for (long at = 0; at < duration.toMillis(); at += 500) {
      lockwatch.advance(Duration.ofMillis(500));
      if (at % 1000 == 500) {
        holdings.forEach(
            (lock, n) -> {
              if (!dead.contains(n)) {
                lockwatch.heartbeat(lock, node(n), 1, lockwatch.now());
              }
            });
      }
    }
  }

  private List<String> locksOf(Set<Integer> nodes) {
    List<String> locks = new ArrayList<>();
    holdings.forEach(
        (lock, n) -> {
          if (nodes.contains(n)) {
            locks.add(lock);
          }
        });
    return locks;
  }

  @Test
  void shouldReclaimAllFiftyLocksAtOnceWhenOneNodeOfTwentyDies() {
    fleet(50);
    run(Duration.ofSeconds(5));
    dead.add(0);
    run(Duration.ofSeconds(8));

    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactlyInAnyOrderElementsOf(locksOf(Set.of(0)));
    assertThat(lockwatch.alertReasons()).doesNotContain(AlertReason.MASS_STALE);
  }

  @Test
  void shouldReclaimAutomaticallyWhenThreeNodesOfTwentyGoSilent() {
    fleet(2);
    run(Duration.ofSeconds(5));
    dead.addAll(Set.of(3, 7, 11));
    run(Duration.ofSeconds(8));

    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactlyInAnyOrderElementsOf(locksOf(dead));
    assertThat(lockwatch.alertReasons()).doesNotContain(AlertReason.MASS_STALE);
  }

  @Test
  void shouldHoldEveryReclaimForApprovalWhenTwelveNodesOfTwentyGoSilentTogether() {
    fleet(2);
    run(Duration.ofSeconds(5));
    for (int n = 1; n <= 12; n++) {
      dead.add(n);
    }
    run(Duration.ofSeconds(8));

    assertThat(lockwatch.commands()).as("no automatic command").isEmpty();
    List<Alert> alerts = lockwatch.alerts();
    List<Alert> massStale =
        alerts.stream().filter(alert -> alert.getReason() == AlertReason.MASS_STALE).toList();
    assertThat(massStale).hasSize(1);
    assertThat(massStale.get(0).getEvidence())
        .containsEntry("silentNodes", "12")
        .containsEntry("recentNodes", "20");
    List<String> silentLocks = locksOf(dead);
    for (String lock : silentLocks) {
      assertThat(lockwatch.stored(lock).getStatus())
          .as(lock)
          .isEqualTo(LockStatus.AWAITING_APPROVAL);
    }
    assertThat(
            alerts.stream()
                .filter(alert -> alert.getReason() == AlertReason.RECLAIM_AWAITING_APPROVAL)
                .map(Alert::getLockId))
        .containsExactlyInAnyOrderElementsOf(silentLocks);

    // The operator checked the holders: approve releases each reclaim.
    for (String lock : silentLocks) {
      lockwatch.operator(lock, OperatorActionType.APPROVE_RECLAIM, 1);
    }
    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactlyInAnyOrderElementsOf(silentLocks);
  }
}
