package io.lockwatch.core.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Transition;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.events.ReclaimReason;
import io.lockwatch.schemas.contract.ReclaimCommandIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every path of an incident's life as one row: the lock's inputs in order, and how its incident
 * ends up (state, resolution). Pure: the rules and a clock the row moves.
 */
class IncidentLifecycleTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:12:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration THRESHOLD = INTERVAL.multipliedBy(3);
  private static final HolderIdentity NODE_7 = holder("node-7");
  private static final HolderIdentity NODE_3 = holder("node-3");
  private static final WatchPolicy POLICY =
      WatchPolicy.builder()
          .missedBeats(3)
          .defaultThreshold(THRESHOLD)
          .confirmTimeout(Duration.ofSeconds(60))
          .policy("hold-*", ReclaimPolicy.HOLD)
          .policy("dry-*", ReclaimPolicy.DRY_RUN)
          .incidents(new IncidentSettings(2, Duration.ofMinutes(5), Duration.ofMinutes(10)))
          .build();

  /** One lock played through the rules; every incident record they emit is kept. */
  static final class Lock {
    final String id;
    LockStateMachine rules = new LockStateMachine(POLICY);
    LockState state;
    Instant now = T0;
    long sequence;
    final List<Incident> emitted = new ArrayList<>();
    final List<Alert> alerts = new ArrayList<>();

    Lock(String id) {
      this.id = id;
    }

    Transition apply(Transition transition) {
      if (transition.state() != null) {
        state = transition.state();
      }
      emitted.addAll(transition.incidents());
      alerts.addAll(transition.alerts());
      return transition;
    }

    Transition event(LockEventType type, HolderIdentity holder, long token) {
      LockEvent.Builder event =
          LockEvent.newBuilder()
              .setEventId(id + "/" + type + "/" + token + "/" + sequence)
              .setLockId(id)
              .setType(type)
              .setFencingToken(token)
              .setHolder(holder)
              .setOccurredAt(now)
              .setSequence(type == LockEventType.ACQUIRED ? 0 : ++sequence);
      if (type == LockEventType.ACQUIRED) {
        sequence = 0;
        event.setHeartbeatIntervalMs(INTERVAL.toMillis());
      }
      if (type == LockEventType.RECLAIMED || type == LockEventType.RECLAIM_REJECTED) {
        event.setCommandId(ReclaimCommandIds.of(id, token)).setActor("trigger-1");
        event.setReason(type == LockEventType.RECLAIM_REJECTED ? "holder renewed" : null);
      }
      return apply(rules.onEvent(state, event.build(), now, "lockwatch.lock-events-0@" + now));
    }

    Transition action(OperatorActionType type, long token) {
      return apply(
          rules.onOperatorAction(
              state,
              OperatorAction.newBuilder()
                  .setActionId(id + "/" + type)
                  .setLockId(id)
                  .setType(type)
                  .setFencingToken(token)
                  .setOperator("maria")
                  .setReason("hold point cleared")
                  .setRequestedAt(now)
                  .build(),
              now));
    }

    /** Time passes in 1 s steps; every check that falls due runs when it does. */
    void pass(Duration elapsed) {
      Instant end = now.plus(elapsed);
      while (now.isBefore(end)) {
        now = now.plusSeconds(1);
        apply(rules.onCheck(state, now));
      }
    }

    /** The latest revision of each incident emitted, by id. */
    Map<String, Incident> incidents() {
      Map<String, Incident> latest = new LinkedHashMap<>();
      emitted.forEach(incident -> latest.put(incident.getIncidentId(), incident));
      return latest;
    }

    Incident last() {
      return emitted.get(emitted.size() - 1);
    }
  }

  static Function<Lock, Object> acquire(HolderIdentity holder, long token) {
    return lock -> lock.event(LockEventType.ACQUIRED, holder, token);
  }

  static Function<Lock, Object> beat(HolderIdentity holder, long token) {
    return lock -> lock.event(LockEventType.HEARTBEAT, holder, token);
  }

  static Function<Lock, Object> release(HolderIdentity holder, long token) {
    return lock -> lock.event(LockEventType.RELEASED, holder, token);
  }

  static Function<Lock, Object> reclaimed(long token) {
    return lock -> lock.event(LockEventType.RECLAIMED, NODE_7, token);
  }

  static Function<Lock, Object> rejected(long token) {
    return lock -> lock.event(LockEventType.RECLAIM_REJECTED, NODE_7, token);
  }

  static Function<Lock, Object> operator(OperatorActionType type, long token) {
    return lock -> lock.action(type, token);
  }

  static Function<Lock, Object> pass(Duration elapsed) {
    return lock -> {
      lock.pass(elapsed);
      return null;
    };
  }

  /** The threshold passes without a heartbeat, and a second more. */
  static Function<Lock, Object> frozen() {
    return pass(THRESHOLD.plusSeconds(1));
  }

  static Arguments row(
      String name,
      String lockId,
      List<Function<Lock, Object>> steps,
      String incidentId,
      IncidentState state,
      IncidentResolution resolution) {
    return Arguments.of(name, lockId, steps, incidentId, state, resolution);
  }

  static Stream<Arguments> lifecycles() {
    return Stream.of(
        row(
            "frozen, reclaimed, next holder renews twice: ALL CLEAR",
            "a.conf",
            List.of(
                acquire(NODE_7, 41),
                frozen(),
                reclaimed(41),
                acquire(NODE_3, 42),
                beat(NODE_3, 42),
                beat(NODE_3, 42)),
            "a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.ALL_CLEAR),
        row(
            "next holder acquired but renewed once: still recovering",
            "a.conf",
            List.of(
                acquire(NODE_7, 41),
                frozen(),
                reclaimed(41),
                acquire(NODE_3, 42),
                beat(NODE_3, 42)),
            "a.conf@41",
            IncidentState.RECOVERING,
            null),
        row(
            "next holder finished and released before its renewals: ALL CLEAR",
            "a.conf",
            List.of(
                acquire(NODE_7, 41),
                frozen(),
                reclaimed(41),
                acquire(NODE_3, 42),
                release(NODE_3, 42)),
            "a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.ALL_CLEAR),
        row(
            "dry run, the holder renews: FALSE_ALARM",
            "dry-a.conf",
            List.of(acquire(NODE_7, 41), frozen(), beat(NODE_7, 41)),
            "dry-a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.FALSE_ALARM),
        row(
            "held for approval",
            "hold-a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            "hold-a.conf@41",
            IncidentState.HELD,
            null),
        row(
            "held, approved, reclaimed, recovered: ALL CLEAR",
            "hold-a.conf",
            List.of(
                acquire(NODE_7, 41),
                frozen(),
                pass(Duration.ofSeconds(20)),
                operator(OperatorActionType.APPROVE_RECLAIM, 41),
                reclaimed(41),
                acquire(NODE_3, 42),
                beat(NODE_3, 42),
                beat(NODE_3, 42)),
            "hold-a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.ALL_CLEAR),
        row(
            "held, denied: DENIED",
            "hold-a.conf",
            List.of(acquire(NODE_7, 41), frozen(), operator(OperatorActionType.DENY_RECLAIM, 41)),
            "hold-a.conf@41",
            IncidentState.DENIED,
            null),
        row(
            "held, denied, the holder releases: RELEASED",
            "hold-a.conf",
            List.of(
                acquire(NODE_7, 41),
                frozen(),
                operator(OperatorActionType.DENY_RECLAIM, 41),
                release(NODE_7, 41)),
            "hold-a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.RELEASED),
        row(
            "reclaim neither confirmed nor rejected: UNCONFIRMED",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), pass(Duration.ofSeconds(61))),
            "a.conf@41",
            IncidentState.UNCONFIRMED,
            null),
        row(
            "unconfirmed past the escalation bound: ESCALATED",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), pass(Duration.ofMinutes(6))),
            "a.conf@41",
            IncidentState.ESCALATED,
            null),
        row(
            "unconfirmed, then the holder renews: HOLDER_RETURNED",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), pass(Duration.ofSeconds(61)), beat(NODE_7, 41)),
            "a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.HOLDER_RETURNED),
        row(
            "the holder renews after the command, the trigger rejects: HOLDER_RETURNED",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), beat(NODE_7, 41), rejected(41)),
            "a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.HOLDER_RETURNED),
        row(
            "the trigger rejects and the holding stays frozen: REJECTED",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), rejected(41)),
            "a.conf@41",
            IncidentState.REJECTED,
            null),
        row(
            "reclaimed and nobody takes the lock: LEFT_FREE",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), reclaimed(41), pass(Duration.ofMinutes(11))),
            "a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.LEFT_FREE),
        row(
            "the next holding freezes before it recovered: SUPERSEDED",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), reclaimed(41), acquire(NODE_3, 42), frozen()),
            "a.conf@41",
            IncidentState.RESOLVED,
            IncidentResolution.SUPERSEDED),
        row(
            "an operator reclaims a live holding: an OPERATOR_REQUEST incident",
            "a.conf",
            List.of(acquire(NODE_7, 41), operator(OperatorActionType.REQUEST_RECLAIM, 41)),
            "a.conf@41",
            IncidentState.RECLAIM_ISSUED,
            null),
        row(
            "the same holding judged stale again after a false alarm: a second episode",
            "dry-a.conf",
            List.of(acquire(NODE_7, 41), frozen(), beat(NODE_7, 41), frozen()),
            "dry-a.conf@41#2",
            IncidentState.DETECTED,
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lifecycles")
  void shouldEndTheIncidentAsItsPathSaysWhenTheInputsArrive(
      String name,
      String lockId,
      List<Function<Lock, Object>> steps,
      String incidentId,
      IncidentState state,
      IncidentResolution resolution) {
    Lock lock = new Lock(lockId);
    steps.forEach(step -> step.apply(lock));

    Incident incident = lock.incidents().get(incidentId);
    assertThat(incident).as("incident %s in %s", incidentId, lock.incidents().keySet()).isNotNull();
    assertThat(incident.getState()).as("state").isEqualTo(state);
    assertThat(incident.getResolution()).as("resolution").isEqualTo(resolution);
    assertThat(incident.getSeverity()).isEqualTo(IncidentRules.severityOf(state));
    // Revisions count up by one per record, none repeated.
    List<Long> revisions =
        lock.emitted.stream()
            .filter(emitted -> emitted.getIncidentId().equals(incidentId))
            .map(Incident::getRevision)
            .toList();
    assertThat(revisions).first().isEqualTo(1L);
    for (int i = 1; i < revisions.size(); i++) {
      assertThat(revisions.get(i)).isEqualTo(revisions.get(i - 1) + 1);
    }
    // An ended incident leaves the lock's state; an open one stays in it.
    if (resolution != null && lock.state.getIncident() != null) {
      assertThat(lock.state.getIncident().getIncidentId()).isNotEqualTo(incidentId);
    }
  }

  @Test
  void shouldCarryEveryFigureWhenAFrozenLockIsReclaimedAndRecovered() {
    Lock lock = new Lock("aim_lock_config.conf");
    acquire(NODE_7, 42).apply(lock);
    Instant lastBeat = lock.now;
    frozen().apply(lock);
    pass(Duration.ofSeconds(2)).apply(lock);
    reclaimed(42).apply(lock);
    Instant confirmed = lock.now;
    pass(Duration.ofSeconds(1)).apply(lock);
    acquire(NODE_3, 43).apply(lock);
    pass(Duration.ofSeconds(1)).apply(lock);
    beat(NODE_3, 43).apply(lock);
    pass(Duration.ofSeconds(1)).apply(lock);
    beat(NODE_3, 43).apply(lock);

    Incident incident = lock.last();
    assertThat(incident.getIncidentId()).isEqualTo("aim_lock_config.conf@42");
    assertThat(incident.getResolution()).isEqualTo(IncidentResolution.ALL_CLEAR);
    assertThat(incident.getCause()).isEqualTo(ReclaimReason.HEARTBEAT_FROZEN);
    assertThat(incident.getLastHeartbeatObservedAt()).isEqualTo(lastBeat);
    assertThat(incident.getStaleSince()).isEqualTo(lastBeat.plus(THRESHOLD));
    // Checked every second: judged at the deadline itself.
    assertThat(incident.getDetectedAt()).isEqualTo(lastBeat.plus(THRESHOLD));
    assertThat(incident.getTimeToDetectMs()).isEqualTo(30_000);
    assertThat(incident.getDetectionLagMs()).isZero();
    assertThat(incident.getCommandId()).isEqualTo(ReclaimCommandIds.of(lock.id, 42));
    assertThat(incident.getReclaimIssuedAt()).isEqualTo(incident.getDetectedAt());
    assertThat(incident.getReclaimConfirmedAt()).isEqualTo(confirmed);
    assertThat(incident.getReclaimedBy()).isEqualTo("trigger-1");
    assertThat(incident.getNextHolder()).isEqualTo(NODE_3);
    assertThat(incident.getNextFencingToken()).isEqualTo(43L);
    assertThat(incident.getNextRenewals()).isEqualTo(2);
    assertThat(incident.getNextFirstRenewalAt())
        .isEqualTo(incident.getNextAcquiredAt().plusSeconds(1));
    assertThat(incident.getResolvedAt()).isEqualTo(lock.now);
    assertThat(incident.getTimeToRecoverMs())
        .isEqualTo(Duration.between(lastBeat, lock.now).toMillis());
    assertThat(incident.getSeverity()).isEqualTo(AlertSeverity.INFO);
    assertThat(incident.getEvidence())
        .containsKeys("lastHeartbeat", "command", "confirmation", "nextAcquire", "recovery");
    assertThat(incident.getEvidence().get("confirmation")).contains("lockwatch.lock-events-0@");
    assertThat(lock.state.getIncident()).as("ended: out of the lock's state").isNull();
    assertThat(lock.state.getLastIncidentId()).isEqualTo("aim_lock_config.conf@42");
  }

  @Test
  void shouldAlertOnceAndThenCountWhenAReclaimStaysUnconfirmedOrAZombieKeepsWriting() {
    Lock unconfirmed = new Lock("a.conf");
    acquire(NODE_7, 41).apply(unconfirmed);
    frozen().apply(unconfirmed);
    pass(Duration.ofMinutes(4)).apply(unconfirmed);
    assertThat(unconfirmed.alerts)
        .extracting(Alert::getReason)
        .filteredOn(reason -> reason == AlertReason.RECLAIM_UNCONFIRMED)
        .hasSize(1);

    Lock zombie = new Lock("b.conf");
    acquire(NODE_7, 41).apply(zombie);
    frozen().apply(zombie);
    reclaimed(41).apply(zombie);
    beat(NODE_7, 41).apply(zombie);
    beat(NODE_7, 41).apply(zombie);
    beat(NODE_7, 41).apply(zombie);
    assertThat(zombie.alerts)
        .extracting(Alert::getReason)
        .filteredOn(reason -> reason == AlertReason.ZOMBIE_HEARTBEAT)
        .hasSize(1);
    assertThat(zombie.last().getZombieEvents()).isEqualTo(3);
    assertThat(zombie.last().getState()).isEqualTo(IncidentState.RECLAIMED);
  }

  @Test
  void shouldStampTheEscalationAtTheBoundWhenTheCheckRunsLater() {
    Lock lock = new Lock("hold-a.conf");
    acquire(NODE_7, 41).apply(lock);
    frozen().apply(lock);
    Instant detected = lock.last().getDetectedAt();
    // Nobody looks for 9 minutes (an instance down): the escalation is dated at its bound.
    lock.now = lock.now.plus(Duration.ofMinutes(9));
    lock.apply(lock.rules.onCheck(lock.state, lock.now));

    assertThat(lock.last().getState()).isEqualTo(IncidentState.ESCALATED);
    assertThat(lock.last().getEscalatedAt()).isEqualTo(detected.plus(Duration.ofMinutes(5)));
  }

  @Test
  void shouldContinueTheSameIncidentWhenTheRulesRestartMidway() {
    Lock lock = new Lock("a.conf");
    acquire(NODE_7, 41).apply(lock);
    frozen().apply(lock);
    // A restart: new rules, the state as stored (a copy), then the incident goes on.
    lock.rules = new LockStateMachine(POLICY);
    lock.state = LockState.newBuilder(lock.state).build();
    reclaimed(41).apply(lock);
    acquire(NODE_3, 42).apply(lock);
    beat(NODE_3, 42).apply(lock);
    beat(NODE_3, 42).apply(lock);

    assertThat(lock.incidents()).containsOnlyKeys("a.conf@41");
    assertThat(lock.emitted).filteredOn(incident -> incident.getRevision() == 1).hasSize(1);
    assertThat(lock.last().getResolution()).isEqualTo(IncidentResolution.ALL_CLEAR);
  }

  @Test
  void shouldRecordTheOperatorsWhenAHeldReclaimIsDecided() {
    Lock approved = new Lock("hold-a.conf");
    acquire(NODE_7, 41).apply(approved);
    frozen().apply(approved);
    pass(Duration.ofSeconds(20)).apply(approved);
    operator(OperatorActionType.APPROVE_RECLAIM, 41).apply(approved);

    Incident incident = approved.last();
    assertThat(incident.getHeldBy()).isEqualTo("policy");
    assertThat(incident.getApprovedBy()).isEqualTo("maria");
    // Held at the deadline, decided 21 s later (the second after it, and 20 more).
    assertThat(incident.getHeldForMs()).isEqualTo(21_000);
    assertThat(incident.getState()).isEqualTo(IncidentState.RECLAIM_ISSUED);
  }

  private static HolderIdentity holder(String node) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet.local")
        .setPid(100)
        .setIncarnation(node + "-run-1")
        .build();
  }
}
