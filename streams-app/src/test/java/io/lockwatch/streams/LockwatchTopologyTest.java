package io.lockwatch.streams;

import static io.lockwatch.streams.WatchdogHarness.LOCK;
import static io.lockwatch.streams.WatchdogHarness.NODE_4;
import static io.lockwatch.streams.WatchdogHarness.NODE_7;
import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.events.ReclaimReason;
import io.lockwatch.schemas.contract.ReclaimCommandIds;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every rule of the watchdog, one TopologyTestDriver per test, the wall clock advanced by hand. */
class LockwatchTopologyTest {

  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Duration THRESHOLD = INTERVAL.multipliedBy(3);

  private WatchdogHarness lockwatch;

  @AfterEach
  void closeDriver() {
    if (lockwatch != null) {
      lockwatch.close();
    }
  }

  private WatchdogHarness start(io.lockwatch.core.WatchPolicy.Builder policy) {
    lockwatch = new WatchdogHarness(policy.build());
    return lockwatch;
  }

  /** node-7 acquires with token 41 and heartbeats every 5 s four times, then goes silent. */
  private void node7HoldsThenFreezes() {
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    for (int beat = 0; beat < 4; beat++) {
      lockwatch.advance(INTERVAL);
      lockwatch.heartbeat(NODE_7, 41);
    }
  }

  @Test
  void shouldPublishOneHeldTransitionWhenALockIsAcquiredAndHeartbeats() {
    start(WatchdogHarness.policy());

    node7HoldsThenFreezes();

    List<LockState> states = lockwatch.states();
    assertThat(states).hasSize(1);
    LockState held = states.get(0);
    assertThat(held.getStatus()).isEqualTo(LockStatus.HELD);
    assertThat(held.getFencingToken()).isEqualTo(41);
    assertThat(held.getHolder()).isEqualTo(NODE_7);
    assertThat(held.getThresholdMs()).isEqualTo(THRESHOLD.toMillis());
    assertThat(held.getPolicy()).isEqualTo(ReclaimPolicy.AUTO);
    LockState stored = lockwatch.stored(LOCK);
    assertThat(stored.getLastSequence()).isEqualTo(4);
    assertThat(stored.getLastHeartbeatObservedAt()).isEqualTo(lockwatch.now());
    assertThat(lockwatch.alerts()).isEmpty();
    assertThat(lockwatch.commands()).isEmpty();
  }

  @Test
  void shouldFreeTheLockWhenReleased() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.states();

    lockwatch.release(NODE_7, 41);
    lockwatch.advance(THRESHOLD.multipliedBy(3));

    assertThat(lockwatch.states())
        .extracting(LockState::getStatus)
        .containsExactly(LockStatus.FREE);
    assertThat(lockwatch.commands()).isEmpty();
    assertThat(lockwatch.alerts()).isEmpty();
  }

  @Test
  void shouldFlagAndIssueOneFencedReclaimWhenTheHeartbeatFreezes() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.states();

    lockwatch.advance(THRESHOLD.minusMillis(100));
    assertThat(lockwatch.commands()).as("not before the threshold").isEmpty();
    lockwatch.advance(Duration.ofMillis(200));

    List<ReclaimCommand> commands = lockwatch.commands();
    assertThat(commands).hasSize(1);
    ReclaimCommand command = commands.get(0);
    assertThat(command.getCommandId()).isEqualTo(ReclaimCommandIds.of(LOCK, 41));
    assertThat(command.getFencingToken()).isEqualTo(41);
    assertThat(command.getLastHeartbeatSequence()).isEqualTo(4);
    assertThat(command.getHolder()).isEqualTo(NODE_7);
    assertThat(command.getReason()).isEqualTo(ReclaimReason.HEARTBEAT_FROZEN);
    assertThat(command.getThresholdMs()).isEqualTo(THRESHOLD.toMillis());
    assertThat(command.getFrozenForMs())
        .isBetween(THRESHOLD.toMillis(), THRESHOLD.toMillis() + 200);
    List<Alert> alerts = lockwatch.alerts();
    assertThat(alerts)
        .extracting(Alert::getReason)
        .containsExactly(AlertReason.STALE_LOCK_DETECTED);
    assertThat(alerts.get(0).getFrozenForMs()).isEqualTo(command.getFrozenForMs());
    assertThat(lockwatch.states())
        .extracting(LockState::getStatus)
        .containsExactly(LockStatus.RECLAIM_PENDING);
    assertThat(lockwatch.metrics.delaySumSeconds())
        .as("checked 100 ms after the threshold crossing")
        .isEqualTo(0.1);
  }

  @Test
  void shouldAlertOnceAndNeverReissueWhenTheReclaimGoesUnconfirmed() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    assertThat(lockwatch.commands()).hasSize(1);
    lockwatch.alerts();
    lockwatch.incidents();

    lockwatch.advanceInSteps(Duration.ofSeconds(130), Duration.ofSeconds(1));

    assertThat(lockwatch.commands()).isEmpty();
    // Alerted once; the incident stays UNCONFIRMED instead of an alert every minute.
    assertThat(lockwatch.alertReasons()).containsExactly(AlertReason.RECLAIM_UNCONFIRMED);
    assertThat(lockwatch.incidents())
        .extracting(record -> record.value().getState())
        .containsExactly(IncidentState.UNCONFIRMED);
  }

  @Test
  void shouldPublishTheIncidentFromDetectionToAllClearWhenTheNextHolderRenews() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    ReclaimCommand command = lockwatch.commands().get(0);
    lockwatch.reclaimed(command);
    lockwatch.acquire(NODE_4, 42, INTERVAL);
    lockwatch.advance(INTERVAL);
    lockwatch.heartbeat(NODE_4, 42);
    lockwatch.advance(INTERVAL);
    lockwatch.heartbeat(NODE_4, 42);

    List<TestRecord<String, Incident>> revisions = lockwatch.incidents();
    assertThat(revisions).extracting(TestRecord::key).containsOnly(LOCK + "@41");
    assertThat(revisions)
        .extracting(record -> record.value().getState())
        .containsExactly(
            IncidentState.RECLAIM_ISSUED,
            IncidentState.RECLAIMED,
            IncidentState.RECOVERING,
            IncidentState.RECOVERING,
            IncidentState.RESOLVED);
    Incident last = revisions.get(revisions.size() - 1).value();
    assertThat(last.getResolution()).isEqualTo(IncidentResolution.ALL_CLEAR);
    assertThat(last.getRevision()).isEqualTo(5);
    assertThat(last.getNextHolder().getNodeId()).isEqualTo(NODE_4.getNodeId());
    assertThat(last.getTimeToRecoverMs()).isPositive();
    assertThat(lockwatch.storedIncident(LOCK + "@41")).isEqualTo(last);
    assertThat(lockwatch.stored(LOCK).getIncident()).as("ended: out of the lock's state").isNull();
  }

  @Test
  void shouldFreeTheLockAndAcceptTheNextHolderWhenTheReclaimIsConfirmed() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    ReclaimCommand command = lockwatch.commands().get(0);
    lockwatch.states();
    lockwatch.alerts();

    lockwatch.reclaimed(command);
    lockwatch.acquire(NODE_4, 42, INTERVAL);
    for (int beat = 0; beat < 13; beat++) {
      lockwatch.advance(INTERVAL);
      lockwatch.heartbeat(NODE_4, 42);
    }

    assertThat(lockwatch.states())
        .extracting(LockState::getStatus)
        .containsExactly(LockStatus.FREE, LockStatus.HELD);
    assertThat(lockwatch.stored(LOCK).getFencingToken()).isEqualTo(42);
    assertThat(lockwatch.alerts()).as("no unconfirmed re-alert, no overlap").isEmpty();
    assertThat(lockwatch.metrics.reclaimsConfirmed()).isEqualTo(1);
  }

  @Test
  void shouldLeaveTheLockStaleWithoutReissuingWhenATriggerRejectsAndTheHeartbeatStaysFrozen() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    ReclaimCommand command = lockwatch.commands().get(0);
    lockwatch.alerts();
    lockwatch.states();

    lockwatch.reclaimRejected(command, "lock file carries token 42");
    lockwatch.advanceInSteps(Duration.ofSeconds(70), Duration.ofSeconds(1));

    List<Alert> alerts = lockwatch.alerts();
    assertThat(alerts).extracting(Alert::getReason).containsExactly(AlertReason.RECLAIM_REJECTED);
    assertThat(alerts.get(0).getMessage()).endsWith("was rejected: lock file carries token 42");
    assertThat(alerts.get(0).getEvidence()).containsEntry("rejectedBy", "trigger-1");
    assertThat(lockwatch.states())
        .extracting(LockState::getStatus)
        .containsExactly(LockStatus.STALE);
    assertThat(lockwatch.commands()).as("one command per token").isEmpty();
    assertThat(lockwatch.metrics.reclaimsRejected()).isEqualTo(1);
  }

  @Test
  void shouldHoldTheLockAgainWhenATriggerRejectsBecauseTheHolderRenewed() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    ReclaimCommand command = lockwatch.commands().get(0);
    lockwatch.states();

    lockwatch.heartbeat(NODE_7, 41);
    lockwatch.reclaimRejected(command, "holder heartbeated after sequence 4");

    assertThat(lockwatch.states())
        .extracting(LockState::getStatus)
        .containsExactly(LockStatus.HELD);
    assertThat(lockwatch.stored(LOCK).getLastSequence()).isEqualTo(5);
  }

  @Test
  void shouldRaiseAZombieAlertWhenTheReclaimedHolderResumesHeartbeating() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    lockwatch.reclaimed(lockwatch.commands().get(0));
    lockwatch.acquire(NODE_4, 42, INTERVAL);
    lockwatch.states();
    lockwatch.alerts();

    lockwatch.heartbeat(NODE_7, 41);

    List<Alert> alerts = lockwatch.alerts();
    assertThat(alerts).extracting(Alert::getReason).containsExactly(AlertReason.ZOMBIE_HEARTBEAT);
    assertThat(alerts.get(0).getFencingToken()).isEqualTo(41);
    assertThat(alerts.get(0).getEvidence()).containsEntry("currentToken", "42");
    assertThat(lockwatch.stored(LOCK).getHolder()).isEqualTo(NODE_4);
    assertThat(lockwatch.states()).isEmpty();
  }

  @Test
  void shouldRaiseAZombieAlertWhenTheHolderHeartbeatsAfterItsHoldingWasReclaimed() {
    start(WatchdogHarness.policy());
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    lockwatch.reclaimed(lockwatch.commands().get(0));
    lockwatch.alerts();

    lockwatch.heartbeat(NODE_7, 41);

    assertThat(lockwatch.alertReasons()).containsExactly(AlertReason.ZOMBIE_HEARTBEAT);
    assertThat(lockwatch.stored(LOCK).getStatus()).isEqualTo(LockStatus.FREE);
  }

  @Test
  void shouldRaiseOverlappingHoldersWhenAcquiredWhileTheHolderIsLive() {
    start(WatchdogHarness.policy());
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    lockwatch.advance(INTERVAL);
    lockwatch.heartbeat(NODE_7, 41);

    lockwatch.acquire(NODE_4, 42, INTERVAL);

    List<Alert> alerts = lockwatch.alerts();
    assertThat(alerts)
        .extracting(Alert::getReason)
        .containsExactly(AlertReason.OVERLAPPING_HOLDERS);
    assertThat(alerts.get(0).getEvidence()).containsEntry("previousToken", "41");
    assertThat(lockwatch.stored(LOCK).getFencingToken()).as("the higher token wins").isEqualTo(42);
  }

  @Test
  void shouldRaiseTokenRegressionAndNotApplyWhenAnAcquireDoesNotRaiseTheToken() {
    start(WatchdogHarness.policy());
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    lockwatch.release(NODE_7, 41);
    lockwatch.states();

    lockwatch.acquire(NODE_4, 40, INTERVAL);
    lockwatch.acquire(NODE_4, 41, INTERVAL);

    assertThat(lockwatch.alertReasons())
        .containsExactly(AlertReason.TOKEN_REGRESSION, AlertReason.TOKEN_REGRESSION);
    assertThat(lockwatch.states()).isEmpty();
    assertThat(lockwatch.stored(LOCK).getStatus()).isEqualTo(LockStatus.FREE);
  }

  @Test
  void shouldDropDuplicatesAndAlertReorderingWhenSequencesRepeatOrGoBack() {
    start(WatchdogHarness.policy());
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    lockwatch.pipe(
        WatchdogHarness.event(
                LOCK, io.lockwatch.events.LockEventType.HEARTBEAT, NODE_7, 41, 2, lockwatch.now())
            .build());

    lockwatch.pipe(
        WatchdogHarness.event(
                LOCK, io.lockwatch.events.LockEventType.HEARTBEAT, NODE_7, 41, 2, lockwatch.now())
            .build());
    lockwatch.pipe(
        WatchdogHarness.event(
                LOCK, io.lockwatch.events.LockEventType.HEARTBEAT, NODE_7, 41, 1, lockwatch.now())
            .build());

    assertThat(lockwatch.alertReasons())
        .containsExactly(AlertReason.SEQUENCE_GAP, AlertReason.OUT_OF_ORDER_EVENT);
    assertThat(lockwatch.stored(LOCK).getLastSequence()).isEqualTo(2);
    assertThat(lockwatch.metrics.outcomes(io.lockwatch.core.Outcome.DUPLICATE)).isEqualTo(1);
    assertThat(lockwatch.metrics.outcomes(io.lockwatch.core.Outcome.REORDERED)).isEqualTo(1);
  }

  @Test
  void shouldWatchAndAlertWhenAHeartbeatArrivesForAnUnknownLock() {
    start(WatchdogHarness.policy());

    lockwatch.heartbeat(NODE_7, 41);
    lockwatch.advance(Duration.ofSeconds(31));

    assertThat(lockwatch.alertReasons())
        .containsExactly(AlertReason.UNKNOWN_LOCK, AlertReason.STALE_LOCK_DETECTED);
    assertThat(lockwatch.commands())
        .singleElement()
        .satisfies(command -> assertThat(command.getThresholdMs()).isEqualTo(30_000));
  }

  @Test
  void shouldApplyOverridesAndBoundsWhenThresholdsAreConfigured() {
    start(
        WatchdogHarness.policy()
            .thresholdOverride("aim_*", Duration.ofSeconds(2))
            .thresholdBounds(Duration.ofSeconds(1), Duration.ofSeconds(20)));

    lockwatch.acquire(LOCK, NODE_7, 1, INTERVAL);
    lockwatch.acquire("slow.conf", NODE_7, 1, Duration.ofSeconds(30));
    lockwatch.acquire("fast.conf", NODE_7, 1, Duration.ofMillis(100));
    lockwatch.acquire("plain.conf", NODE_7, 1, Duration.ofSeconds(4));

    assertThat(lockwatch.states())
        .extracting(LockState::getLockId, LockState::getThresholdMs)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(LOCK, 2_000L),
            org.assertj.core.groups.Tuple.tuple("slow.conf", 20_000L),
            org.assertj.core.groups.Tuple.tuple("fast.conf", 1_000L),
            org.assertj.core.groups.Tuple.tuple("plain.conf", 12_000L));
  }

  @Test
  void shouldHoldForApprovalThenIssueWhenThePolicyIsHold() {
    start(WatchdogHarness.policy().policy("aim_*", ReclaimPolicy.HOLD));
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    assertThat(lockwatch.commands()).isEmpty();
    assertThat(lockwatch.alertReasons())
        .containsExactly(AlertReason.STALE_LOCK_DETECTED, AlertReason.RECLAIM_AWAITING_APPROVAL);
    assertThat(lockwatch.stored(LOCK).getStatus()).isEqualTo(LockStatus.AWAITING_APPROVAL);

    lockwatch.operator(io.lockwatch.events.OperatorActionType.APPROVE_RECLAIM, 40);
    assertThat(lockwatch.alertReasons())
        .as("wrong token")
        .containsExactly(AlertReason.MANUAL_RECLAIM_REFUSED);
    lockwatch.operator(io.lockwatch.events.OperatorActionType.APPROVE_RECLAIM, 41);

    assertThat(lockwatch.commands())
        .singleElement()
        .satisfies(
            command -> {
              assertThat(command.getApprovedBy()).isEqualTo("maria");
              assertThat(command.getPolicy()).isEqualTo(ReclaimPolicy.HOLD);
              assertThat(command.getFencingToken()).isEqualTo(41);
            });
  }

  @Test
  void shouldOnlyFlagWhenThePolicyIsDryRun() {
    start(WatchdogHarness.policy().defaultPolicy(ReclaimPolicy.DRY_RUN));
    node7HoldsThenFreezes();

    lockwatch.advance(THRESHOLD.multipliedBy(10));

    assertThat(lockwatch.commands()).isEmpty();
    assertThat(lockwatch.alertReasons()).containsExactly(AlertReason.STALE_LOCK_DETECTED);
    assertThat(lockwatch.stored(LOCK).getStatus()).isEqualTo(LockStatus.STALE);
  }

  @Test
  void shouldWaitOutTheGraceAndSpareTheLockWhenItRevivesMeanwhile() {
    start(WatchdogHarness.policy().reclaimGrace(Duration.ofSeconds(10)));
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));
    assertThat(lockwatch.alertReasons()).containsExactly(AlertReason.STALE_LOCK_DETECTED);
    assertThat(lockwatch.stored(LOCK).getStatus()).isEqualTo(LockStatus.STALE);

    lockwatch.advance(Duration.ofSeconds(5));
    lockwatch.heartbeat(NODE_7, 41);
    lockwatch.advance(Duration.ofSeconds(6));

    assertThat(lockwatch.commands()).isEmpty();
    assertThat(lockwatch.stored(LOCK).getStatus()).isEqualTo(LockStatus.HELD);
  }

  @Test
  void shouldIssueAfterTheGraceWhenTheLockStaysFrozen() {
    start(WatchdogHarness.policy().reclaimGrace(Duration.ofSeconds(10)));
    node7HoldsThenFreezes();
    lockwatch.advance(THRESHOLD.plusMillis(100));

    lockwatch.advance(Duration.ofSeconds(9));
    assertThat(lockwatch.commands()).isEmpty();
    lockwatch.advance(Duration.ofSeconds(1));

    assertThat(lockwatch.commands()).hasSize(1);
  }

  @Test
  void shouldIssueAFencedCommandWhenAnOperatorRequestsAReclaim() {
    start(WatchdogHarness.policy());
    lockwatch.acquire(NODE_7, 41, INTERVAL);

    lockwatch.operator(io.lockwatch.events.OperatorActionType.REQUEST_RECLAIM, 39);
    lockwatch.operator(io.lockwatch.events.OperatorActionType.REQUEST_RECLAIM, 41);
    lockwatch.operator(io.lockwatch.events.OperatorActionType.REQUEST_RECLAIM, 41);

    assertThat(lockwatch.commands())
        .singleElement()
        .satisfies(
            command -> {
              assertThat(command.getReason()).isEqualTo(ReclaimReason.OPERATOR_REQUEST);
              assertThat(command.getRequestedBy()).isEqualTo("maria");
              assertThat(command.getFencingToken()).isEqualTo(41);
            });
    assertThat(lockwatch.alertReasons())
        .containsExactly(AlertReason.MANUAL_RECLAIM_REFUSED, AlertReason.MANUAL_RECLAIM_REFUSED);
  }

  @Test
  void shouldJudgeByLockwatchsClockWhenHolderClocksAreSkewed() {
    start(WatchdogHarness.policy());
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    lockwatch.acquire("ahead.conf", NODE_4, 7, INTERVAL);
    for (int beat = 0; beat < 6; beat++) {
      lockwatch.advance(INTERVAL);
      lockwatch.heartbeat(LOCK, NODE_7, 41, lockwatch.now().minus(Duration.ofMinutes(5)));
      lockwatch.heartbeat("ahead.conf", NODE_4, 7, lockwatch.now().plus(Duration.ofMinutes(5)));
    }
    assertThat(lockwatch.commands()).as("a clock 5 minutes behind does not look frozen").isEmpty();

    lockwatch.advance(THRESHOLD.plusMillis(100));

    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactlyInAnyOrder(LOCK, "ahead.conf");
    assertThat(lockwatch.commands()).isEmpty();
  }

  @Test
  void shouldNotReclaimALiveLockWhenLockwatchWasLaggingAndFlagADeadOnePromptly() {
    start(WatchdogHarness.policy());
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    lockwatch.acquire("dead.conf", NODE_4, 3, INTERVAL);
    lockwatch.caughtUp.set(false);

    // Lockwatch falls ten minutes behind; the live holder's heartbeats wait unread in the topic.
    lockwatch.advance(Duration.ofMinutes(10));
    assertThat(lockwatch.commands()).as("no judgement while lagging").isEmpty();
    for (int beat = 0; beat < 3; beat++) {
      lockwatch.heartbeat(NODE_7, 41);
    }
    lockwatch.caughtUp.set(true);
    lockwatch.advance(CHECK_INTERVAL_PLUS);

    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactly("dead.conf");
    assertThat(lockwatch.stored(LOCK).getStatus()).isEqualTo(LockStatus.HELD);
  }

  private static final Duration CHECK_INTERVAL_PLUS = WatchdogHarness.CHECK_INTERVAL.plusMillis(1);
}
