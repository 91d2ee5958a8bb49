package io.lockwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.schemas.contract.ReclaimCommandIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of docs/architecture.md as one row: what happened to the lock before, the input, and
 * what the rules make of it (outcome, status, alerts, commands). Pure: no Kafka, the clock is the
 * row's.
 */
class LockStateMachineRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:12:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration THRESHOLD = INTERVAL.multipliedBy(3);
  private static final HolderIdentity NODE_7 = holder("node-7");
  private static final HolderIdentity NODE_3 = holder("node-3");
  private static final LockStateMachine RULES =
      new LockStateMachine(
          WatchPolicy.builder()
              .missedBeats(3)
              .defaultThreshold(Duration.ofSeconds(30))
              .confirmTimeout(Duration.ofSeconds(60))
              .policy("hold-*", ReclaimPolicy.HOLD)
              .policy("dry-*", ReclaimPolicy.DRY_RUN)
              .build());

  /** One input to the rules, at the scenario's current time. */
  @FunctionalInterface
  interface Step {
    Transition apply(Lock lock);
  }

  /** One lock's state and clock as a row plays it. */
  static final class Lock {
    final String id;
    LockState state;
    Instant now = T0;

    Lock(String id) {
      this.id = id;
    }

    Transition event(LockEventType type, HolderIdentity holder, long token, long sequence) {
      return RULES.onEvent(state, eventBuilder(type, holder, token, sequence).build(), now);
    }

    LockEvent.Builder eventBuilder(
        LockEventType type, HolderIdentity holder, long token, long sequence) {
      LockEvent.Builder event =
          LockEvent.newBuilder()
              .setEventId(UUID.randomUUID().toString())
              .setLockId(id)
              .setType(type)
              .setFencingToken(token)
              .setHolder(holder)
              .setOccurredAt(now)
              .setSequence(sequence);
      if (type == LockEventType.ACQUIRED) {
        event.setHeartbeatIntervalMs(INTERVAL.toMillis());
      }
      if (type == LockEventType.RECLAIMED || type == LockEventType.RECLAIM_REJECTED) {
        event.setCommandId(ReclaimCommandIds.of(id, token)).setActor("trigger-1");
      }
      return event;
    }

    Transition action(OperatorActionType type, long token) {
      return RULES.onOperatorAction(
          state,
          OperatorAction.newBuilder()
              .setActionId(UUID.randomUUID().toString())
              .setLockId(id)
              .setType(type)
              .setFencingToken(token)
              .setOperator("maria")
              .setReason("hold point cleared")
              .setRequestedAt(now)
              .build(),
          now);
    }

    /** Time passes; the lock's scheduled check runs if it fell due. */
    Transition after(Duration elapsed) {
      now = now.plus(elapsed);
      return RULES.onCheck(state, now);
    }

    void play(Step step) {
      Transition transition = step.apply(this);
      if (transition.state() != null) {
        state = transition.state();
      }
    }
  }

  static Step acquire(HolderIdentity holder, long token) {
    return lock -> lock.event(LockEventType.ACQUIRED, holder, token, 0);
  }

  static Step heartbeat(HolderIdentity holder, long token, long sequence) {
    return lock -> lock.event(LockEventType.HEARTBEAT, holder, token, sequence);
  }

  static Step release(HolderIdentity holder, long token, long sequence) {
    return lock -> lock.event(LockEventType.RELEASED, holder, token, sequence);
  }

  static Step reclaimed(long token) {
    return lock -> lock.event(LockEventType.RECLAIMED, NODE_7, token, 1);
  }

  static Step rejected(long token) {
    return lock -> lock.event(LockEventType.RECLAIM_REJECTED, NODE_7, token, 1);
  }

  static Step operator(OperatorActionType type, long token) {
    return lock -> lock.action(type, token);
  }

  static Step after(Duration elapsed) {
    return lock -> lock.after(elapsed);
  }

  /** The threshold passes without a heartbeat: the check judges the lock. */
  static Step frozen() {
    return after(THRESHOLD.plusSeconds(1));
  }

  static Arguments rule(
      String name,
      String lockId,
      List<Step> given,
      Step when,
      Outcome outcome,
      LockStatus status,
      List<AlertReason> alerts,
      int commands) {
    return Arguments.of(name, lockId, given, when, outcome, status, alerts, commands);
  }

  static Stream<Arguments> rules() {
    List<AlertReason> none = List.of();
    return Stream.of(
        rule(
            "acquire of a new lock",
            "a.conf",
            List.of(),
            acquire(NODE_7, 41),
            Outcome.APPLIED,
            LockStatus.HELD,
            none,
            0),
        rule(
            "acquire with a higher token while the holder is live",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            acquire(NODE_3, 42),
            Outcome.APPLIED,
            LockStatus.HELD,
            List.of(AlertReason.OVERLAPPING_HOLDERS),
            0),
        rule(
            "acquire with a higher token after a release",
            "a.conf",
            List.of(acquire(NODE_7, 41), release(NODE_7, 41, 1)),
            acquire(NODE_3, 42),
            Outcome.APPLIED,
            LockStatus.HELD,
            none,
            0),
        rule(
            "acquire redelivered",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            acquire(NODE_7, 41),
            Outcome.DUPLICATE,
            LockStatus.HELD,
            none,
            0),
        rule(
            "acquire with a token not above the current one",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            acquire(NODE_3, 40),
            Outcome.TOKEN_REGRESSION,
            LockStatus.HELD,
            List.of(AlertReason.TOKEN_REGRESSION),
            0),
        rule(
            "heartbeat of the current holding",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            heartbeat(NODE_7, 41, 1),
            Outcome.APPLIED,
            LockStatus.HELD,
            none,
            0),
        rule(
            "heartbeat under a higher token whose acquire was never seen",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            heartbeat(NODE_3, 42, 3),
            Outcome.APPLIED,
            LockStatus.HELD,
            List.of(AlertReason.SEQUENCE_GAP),
            0),
        rule(
            "heartbeat with an older token",
            "a.conf",
            List.of(acquire(NODE_7, 41), acquire(NODE_3, 42)),
            heartbeat(NODE_7, 41, 1),
            Outcome.ZOMBIE,
            LockStatus.HELD,
            List.of(AlertReason.ZOMBIE_HEARTBEAT),
            0),
        rule(
            "heartbeat after the holding was released",
            "a.conf",
            List.of(acquire(NODE_7, 41), release(NODE_7, 41, 1)),
            heartbeat(NODE_7, 41, 2),
            Outcome.ZOMBIE,
            LockStatus.FREE,
            List.of(AlertReason.ZOMBIE_HEARTBEAT),
            0),
        rule(
            "heartbeat redelivered",
            "a.conf",
            List.of(acquire(NODE_7, 41), heartbeat(NODE_7, 41, 1)),
            heartbeat(NODE_7, 41, 1),
            Outcome.DUPLICATE,
            LockStatus.HELD,
            none,
            0),
        rule(
            "heartbeat out of order",
            "a.conf",
            List.of(acquire(NODE_7, 41), heartbeat(NODE_7, 41, 2)),
            heartbeat(NODE_7, 41, 1),
            Outcome.REORDERED,
            LockStatus.HELD,
            List.of(AlertReason.OUT_OF_ORDER_EVENT),
            0),
        rule(
            "heartbeat that skips sequences",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            heartbeat(NODE_7, 41, 4),
            Outcome.APPLIED,
            LockStatus.HELD,
            List.of(AlertReason.SEQUENCE_GAP),
            0),
        rule(
            "heartbeat of a lock never seen",
            "a.conf",
            List.of(),
            heartbeat(NODE_7, 41, 5),
            Outcome.APPLIED,
            LockStatus.HELD,
            List.of(AlertReason.UNKNOWN_LOCK),
            0),
        rule(
            "heartbeat while a reclaim is pending: the holder was paused",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            heartbeat(NODE_7, 41, 1),
            Outcome.APPLIED,
            LockStatus.HELD,
            List.of(AlertReason.HOLDER_PAUSED),
            0),
        rule(
            "release of the current holding",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            release(NODE_7, 41, 1),
            Outcome.APPLIED,
            LockStatus.FREE,
            none,
            0),
        rule(
            "release of a lock never seen",
            "a.conf",
            List.of(),
            release(NODE_7, 41, 1),
            Outcome.APPLIED,
            LockStatus.FREE,
            List.of(AlertReason.UNKNOWN_LOCK),
            0),
        rule(
            "release with an older token",
            "a.conf",
            List.of(acquire(NODE_3, 42)),
            release(NODE_7, 41, 1),
            Outcome.ZOMBIE,
            LockStatus.HELD,
            List.of(AlertReason.ZOMBIE_HEARTBEAT),
            0),
        rule(
            "release with a higher token whose acquire was never seen",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            release(NODE_3, 42, 2),
            Outcome.APPLIED,
            LockStatus.FREE,
            List.of(AlertReason.SEQUENCE_GAP),
            0),
        rule(
            "release redelivered",
            "a.conf",
            List.of(acquire(NODE_7, 41), release(NODE_7, 41, 1)),
            release(NODE_7, 41, 1),
            Outcome.DUPLICATE,
            LockStatus.FREE,
            none,
            0),
        rule(
            "a second release of the ended holding",
            "a.conf",
            List.of(acquire(NODE_7, 41), release(NODE_7, 41, 1)),
            release(NODE_7, 41, 2),
            Outcome.ZOMBIE,
            LockStatus.FREE,
            List.of(AlertReason.ZOMBIE_HEARTBEAT),
            0),
        rule(
            "reclaimed by a trigger",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            reclaimed(41),
            Outcome.APPLIED,
            LockStatus.FREE,
            none,
            0),
        rule(
            "reclaimed for another token",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            reclaimed(40),
            Outcome.IGNORED,
            LockStatus.RECLAIM_PENDING,
            none,
            0),
        rule(
            "reclaimed reported twice",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen(), reclaimed(41)),
            reclaimed(41),
            Outcome.DUPLICATE,
            LockStatus.FREE,
            none,
            0),
        rule(
            "reclaim rejected while the heartbeat stays frozen",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            rejected(41),
            Outcome.APPLIED,
            LockStatus.STALE,
            List.of(AlertReason.RECLAIM_REJECTED),
            0),
        rule(
            "reclaim rejected because the holder renewed",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            lock -> {
              lock.play(heartbeat(NODE_7, 41, 1));
              lock.state.setStatus(LockStatus.RECLAIM_PENDING); // renewed as the command left
              return lock.event(LockEventType.RECLAIM_REJECTED, NODE_7, 41, 1);
            },
            Outcome.APPLIED,
            LockStatus.HELD,
            List.of(AlertReason.RECLAIM_REJECTED),
            0),
        rule(
            "check after the threshold, policy auto",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            frozen(),
            Outcome.APPLIED,
            LockStatus.RECLAIM_PENDING,
            List.of(AlertReason.STALE_LOCK_DETECTED),
            1),
        rule(
            "check after the threshold, policy hold",
            "hold-a.conf",
            List.of(acquire(NODE_7, 41)),
            frozen(),
            Outcome.APPLIED,
            LockStatus.AWAITING_APPROVAL,
            List.of(AlertReason.STALE_LOCK_DETECTED, AlertReason.RECLAIM_AWAITING_APPROVAL),
            0),
        rule(
            "check after the threshold, policy dry-run",
            "dry-a.conf",
            List.of(acquire(NODE_7, 41)),
            frozen(),
            Outcome.APPLIED,
            LockStatus.STALE,
            List.of(AlertReason.STALE_LOCK_DETECTED),
            0),
        rule(
            "check of a renewed lock",
            "a.conf",
            List.of(acquire(NODE_7, 41), after(INTERVAL), heartbeat(NODE_7, 41, 1)),
            after(THRESHOLD.minus(INTERVAL).plusSeconds(1)),
            Outcome.NOTHING_DUE,
            LockStatus.HELD,
            none,
            0),
        rule(
            "check of a command neither confirmed nor rejected",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            after(Duration.ofSeconds(61)),
            Outcome.APPLIED,
            LockStatus.RECLAIM_PENDING,
            List.of(AlertReason.RECLAIM_UNCONFIRMED),
            0),
        rule(
            "operator requests a reclaim of a held lock",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            operator(OperatorActionType.REQUEST_RECLAIM, 41),
            Outcome.APPLIED,
            LockStatus.RECLAIM_PENDING,
            none,
            1),
        rule(
            "operator requests a reclaim for another token",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            operator(OperatorActionType.REQUEST_RECLAIM, 40),
            Outcome.REFUSED,
            LockStatus.HELD,
            List.of(AlertReason.MANUAL_RECLAIM_REFUSED),
            0),
        rule(
            "operator requests a reclaim of a free lock",
            "a.conf",
            List.of(acquire(NODE_7, 41), release(NODE_7, 41, 1)),
            operator(OperatorActionType.REQUEST_RECLAIM, 41),
            Outcome.REFUSED,
            LockStatus.FREE,
            List.of(AlertReason.MANUAL_RECLAIM_REFUSED),
            0),
        rule(
            "operator requests a reclaim of a lock never seen",
            "a.conf",
            List.of(),
            operator(OperatorActionType.REQUEST_RECLAIM, 41),
            Outcome.REFUSED,
            null,
            List.of(AlertReason.MANUAL_RECLAIM_REFUSED),
            0),
        rule(
            "operator approves a held-back reclaim",
            "hold-a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            operator(OperatorActionType.APPROVE_RECLAIM, 41),
            Outcome.APPLIED,
            LockStatus.RECLAIM_PENDING,
            none,
            1),
        rule(
            "operator approves a lock that awaits nothing",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            operator(OperatorActionType.APPROVE_RECLAIM, 41),
            Outcome.REFUSED,
            LockStatus.HELD,
            List.of(AlertReason.MANUAL_RECLAIM_REFUSED),
            0),
        rule(
            "operator denies a held-back reclaim",
            "hold-a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            operator(OperatorActionType.DENY_RECLAIM, 41),
            Outcome.APPLIED,
            LockStatus.STALE,
            none,
            0),
        rule(
            "operator denies a lock that awaits nothing",
            "a.conf",
            List.of(acquire(NODE_7, 41)),
            operator(OperatorActionType.DENY_RECLAIM, 41),
            Outcome.REFUSED,
            LockStatus.HELD,
            List.of(AlertReason.MANUAL_RECLAIM_REFUSED),
            0),
        rule(
            "operator requests a second reclaim of a pending lock",
            "a.conf",
            List.of(acquire(NODE_7, 41), frozen()),
            operator(OperatorActionType.REQUEST_RECLAIM, 41),
            Outcome.REFUSED,
            LockStatus.RECLAIM_PENDING,
            List.of(AlertReason.MANUAL_RECLAIM_REFUSED),
            0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void shouldFollowTheRuleWhenTheInputArrives(
      String name,
      String lockId,
      List<Step> given,
      Step when,
      Outcome outcome,
      LockStatus status,
      List<AlertReason> alerts,
      int commands) {
    Lock lock = new Lock(lockId);
    given.forEach(lock::play);

    Transition transition = when.apply(lock);
    LockState after = transition.state() != null ? transition.state() : lock.state;

    assertThat(transition.outcome()).as("outcome").isEqualTo(outcome);
    assertThat(after == null ? null : after.getStatus()).as("status").isEqualTo(status);
    assertThat(transition.alerts()).extracting(Alert::getReason).as("alerts").isEqualTo(alerts);
    assertThat(transition.commands()).as("commands").hasSize(commands);
    transition
        .commands()
        .forEach(
            command ->
                assertThat(command.getCommandId())
                    .isEqualTo(ReclaimCommandIds.of(lockId, command.getFencingToken())));
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
