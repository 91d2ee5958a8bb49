package io.lockwatch.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Transition;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The accrual detector inside the lock rules: deadlines, floor, ceiling, evidence, pauses. */
class AccrualRulesTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:12:00Z");
  private static final HolderIdentity NODE_7 =
      HolderIdentity.newBuilder()
          .setNodeId("node-7")
          .setHost("node-7.fleet")
          .setPid(4242)
          .setIncarnation("b3f1")
          .build();

  private LockState state;
  private long sequence;
  private Instant holderClock = T0;

  @Test
  void shouldStartFromTheDeclaredIntervalWhenANewHoldingBegins() {
    LockStateMachine rules = new LockStateMachine(accrual(3));

    acquire(rules, T0);

    assertThat(state.getDetector()).isEqualTo("accrual");
    assertThat(state.getHeartbeatMeanMs()).isEqualTo(1_000.0);
    assertThat(state.getHeartbeatDeviationMs()).isEqualTo(250.0);
    assertThat(state.getHeartbeatSamples()).isZero();
    // ceil(1000 + 5.612 * 250), within [2000, 3000]
    assertThat(state.getSuspectAfterMs()).isEqualTo(2_404);
    assertThat(state.getNextCheckAt()).isEqualTo(T0.plusMillis(2_404));
  }

  @Test
  void shouldFindAMetronomeHolderAtTheFloorWhenItStops() {
    LockStateMachine rules = new LockStateMachine(accrual(3));
    acquire(rules, T0);
    Instant last = T0;
    for (int i = 1; i <= 60; i++) {
      last = T0.plusSeconds(i);
      heartbeat(rules, last, 1_000);
    }

    assertThat(state.getHeartbeatMeanMs()).isCloseTo(1_000, within(1.0));
    assertThat(state.getSuspectAfterMs()).isEqualTo(2_000);
    assertThat(LockStateMachine.deadline(state)).isEqualTo(last.plusMillis(2_000));

    assertNotStale(rules.onCheck(state, last.plusMillis(1_999)));
    Transition stale = rules.onCheck(state, last.plusMillis(2_000));
    Alert alert = stale.alerts().get(0);
    assertThat(alert.getReason()).isEqualTo(AlertReason.STALE_LOCK_DETECTED);
    assertThat(alert.getEvidence())
        .containsEntry("detector", "accrual")
        .containsEntry("staleAfterMs", "2000")
        .containsEntry("heartbeatMeanMs", "1000.0")
        .containsEntry("heartbeatSamples", "60");
    assertThat(Double.parseDouble(alert.getEvidence().get("phi"))).isGreaterThan(8);
    assertThat(alert.getMessage()).contains("past its learned deadline of 2000 ms (phi ");
    assertThat(stale.commands()).hasSize(1);
  }

  @Test
  void shouldGiveAnIrregularHolderMoreSlackUpToTheCeilingWhenItsRhythmVaries() {
    LockStateMachine accrual = new LockStateMachine(accrual(5));
    acquire(accrual, T0);
    Instant last = T0;
    for (int i = 1; i <= 80; i++) {
      last = last.plusMillis(i % 2 == 0 ? 400 : 1_600);
      heartbeat(accrual, last, 1_000);
    }
    assertThat(state.getHeartbeatDeviationMs()).isCloseTo(600, within(60.0));
    long learned = state.getSuspectAfterMs();
    assertThat(learned).isBetween(4_000L, 5_000L);

    // A 3.2 s gap: the fixed rule (3 s) would reclaim this live lock; accrual waits.
    assertNotStale(accrual.onCheck(state, last.plusMillis(3_200)));
    heartbeat(accrual, last.plusMillis(3_200), 3_200);
    assertThat(state.getStatus()).isEqualTo(LockStatus.HELD);
  }

  @Test
  void shouldNeverWaitPastTheCeilingWhenTheHolderIsVeryIrregular() {
    LockStateMachine rules = new LockStateMachine(accrual(3));
    acquire(rules, T0);
    Instant last = T0;
    for (int i = 1; i <= 40; i++) {
      last = last.plusMillis(i % 2 == 0 ? 200 : 1_800);
      heartbeat(rules, last, 1_000);
    }

    assertThat(state.getSuspectAfterMs()).isEqualTo(3_000);
  }

  @Test
  void shouldKeepTheFixedRuleAndLearnNothingWhenTheDetectorIsFixed() {
    LockStateMachine rules =
        new LockStateMachine(WatchPolicy.builder().defaultThreshold(Duration.ofSeconds(3)).build());
    acquire(rules, T0);
    heartbeat(rules, T0.plusMillis(1_100), 1_100);

    assertThat(state.getDetector()).isEqualTo("fixed");
    assertThat(state.getSuspectAfterMs()).isNull();
    assertThat(state.getHeartbeatMeanMs()).isNull();
    assertThat(state.getHeartbeatSamples()).isZero();
    assertThat(LockStateMachine.deadline(state)).isEqualTo(T0.plusMillis(1_100 + 3_000));
  }

  @Test
  void shouldAlertTheGapAndItsCauseWhenAHolderComesBackAfterAPause() {
    LockStateMachine rules = new LockStateMachine(accrual(5));
    acquire(rules, T0);
    heartbeat(rules, T0.plusSeconds(1), 1_000);

    // 2.5 s of silence (past the 2 s floor), the holder's clock moved the same: a process pause.
    Transition back = heartbeat(rules, T0.plusMillis(3_500), 2_500);
    Alert paused = back.alerts().get(0);
    assertThat(paused.getReason()).isEqualTo(AlertReason.HOLDER_PAUSED);
    assertThat(paused.getEvidence())
        .containsEntry("gapMs", "2500")
        .containsEntry("holderGapMs", "2500")
        .containsEntry("pauseCause", "PROCESS_PAUSE");

    // 2.5 s observed, but the holder's clock moved a minute: its clock jumped.
    Transition jumped = heartbeat(rules, T0.plusMillis(6_000), 60_000);
    assertThat(jumped.alerts().get(0).getEvidence()).containsEntry("pauseCause", "CLOCK_JUMP");
  }

  private static void assertNotStale(Transition check) {
    assertThat(check.alerts()).isEmpty();
    assertThat(check.commands()).isEmpty();
    if (check.state() != null) {
      assertThat(check.state().getStatus()).isEqualTo(LockStatus.HELD);
    }
  }

  private static WatchPolicy accrual(double ceilingBeats) {
    return WatchPolicy.builder()
        .defaultDetector(Detector.ACCRUAL)
        .floorBeats(2)
        .ceilingBeats(ceilingBeats)
        .build();
  }

  private void acquire(LockStateMachine rules, Instant now) {
    sequence = 0;
    state =
        rules
            .onEvent(
                null, event(LockEventType.ACQUIRED).setHeartbeatIntervalMs(1_000L).build(), now)
            .state();
  }

  private Transition heartbeat(LockStateMachine rules, Instant now, long holderGapMs) {
    sequence++;
    holderClock = holderClock.plusMillis(holderGapMs);
    Transition transition = rules.onEvent(state, event(LockEventType.HEARTBEAT).build(), now);
    if (transition.state() != null) {
      state = transition.state();
    }
    return transition;
  }

  private LockEvent.Builder event(LockEventType type) {
    return LockEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setLockId("drone_fleet.conf")
        .setType(type)
        .setFencingToken(41)
        .setHolder(NODE_7)
        .setOccurredAt(holderClock)
        .setSequence(sequence);
  }
}
