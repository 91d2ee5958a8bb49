package io.lockwatch.streams;

import static io.lockwatch.events.LockEventType.ACQUIRED;
import static io.lockwatch.events.LockEventType.HEARTBEAT;
import static io.lockwatch.events.LockEventType.RECLAIMED;
import static io.lockwatch.events.LockEventType.RECLAIM_REJECTED;
import static io.lockwatch.events.LockEventType.RELEASED;
import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.LockEventType;
import io.lockwatch.streams.ChaosVerifier.Command;
import io.lockwatch.streams.ChaosVerifier.InputEvent;
import io.lockwatch.streams.ChaosVerifier.Judged;
import io.lockwatch.streams.ChaosVerifier.Report;
import io.lockwatch.streams.ChaosVerifier.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosVerifierTest {
  private static final Duration THRESHOLD = Duration.ofSeconds(6);
  private static final Duration SLACK = Duration.ofMillis(500);

  @Test
  void shouldCountAMissWhenAFrozenHoldingHasNoCommand() {
    Report report =
        ChaosVerifier.verify(
            List.of(event("a", ACQUIRED, 0), event("a", HEARTBEAT, 2_000)),
            List.of(),
            THRESHOLD,
            SLACK,
            20_000);

    assertThat(report.missed()).extracting(Judged::longestSilenceMs).containsExactly(18_000L);
    assertThat(report.missed().get(0).silentFrom()).isEqualTo(2_000);
  }

  @Test
  void shouldCountALiveLockReclaimedWhenItsHolderReleasedInTime() {
    Report report =
        ChaosVerifier.verify(
            List.of(
                event("a", ACQUIRED, 0),
                event("a", HEARTBEAT, 2_000),
                event("a", HEARTBEAT, 4_000),
                event("a", RELEASED, 5_000)),
            List.of(new Command("a", 1, 4_500)),
            THRESHOLD,
            SLACK,
            60_000);

    assertThat(report.liveReclaimed()).hasSize(1);
    assertThat(report.holdings().get(0).verdict()).isEqualTo(Verdict.MUST_NOT);
  }

  @Test
  void shouldEndTheSilenceAtTheTriggersReclaimWhenTheHoldingWasReclaimed() {
    Report report =
        ChaosVerifier.verify(
            List.of(
                event("a", ACQUIRED, 0),
                event("a", HEARTBEAT, 2_000),
                event("a", RECLAIM_REJECTED, 8_100),
                event("a", RECLAIMED, 9_000),
                event("a", HEARTBEAT, 9_500)),
            List.of(new Command("a", 1, 8_050)),
            THRESHOLD,
            SLACK,
            60_000);

    Judged judged = report.holdings().get(0);
    assertThat(judged.longestSilenceMs()).isEqualTo(7_000);
    assertThat(judged.verdict()).isEqualTo(Verdict.MUST);
    assertThat(judged.delayPastThresholdMs(THRESHOLD)).isEqualTo(50);
    assertThat(judged.wrong()).isFalse();
  }

  @Test
  void shouldCountDuplicatesPerHoldingWhenTwoCommandsNameOneToken() {
    Report report =
        ChaosVerifier.verify(
            List.of(event("a", ACQUIRED, 0), event("b", ACQUIRED, 0)),
            List.of(new Command("a", 1, 6_100), new Command("a", 1, 7_000)),
            THRESHOLD,
            SLACK,
            30_000);

    assertThat(report.duplicates()).isEqualTo(1);
    assertThat(report.missed())
        .extracting(judged -> judged.holding().lockId())
        .containsExactly("b");
  }

  @Test
  void shouldAllowEitherWhenTheSilenceIsWithinSlackOfTheThreshold() {
    Report report =
        ChaosVerifier.verify(
            List.of(
                event("a", ACQUIRED, 0),
                event("a", HEARTBEAT, 6_300),
                event("a", RELEASED, 7_000),
                event("b", ACQUIRED, 0),
                event("b", HEARTBEAT, 5_800),
                event("b", RELEASED, 6_000)),
            List.of(new Command("a", 1, 6_200)),
            THRESHOLD,
            SLACK,
            30_000);

    assertThat(report.count(Verdict.EITHER)).isEqualTo(2);
    assertThat(report.holdings()).noneMatch(Judged::wrong);
  }

  @Test
  void shouldSetApartCommandsForHoldingsTheLogNeverShowed() {
    Report report =
        ChaosVerifier.verify(
            List.of(event("a", ACQUIRED, 0), event("a", RELEASED, 100)),
            List.of(new Command("a", 2, 1_000)),
            THRESHOLD,
            SLACK,
            30_000);

    assertThat(report.unknownCommands()).hasSize(1);
    assertThat(report.holdings()).noneMatch(Judged::wrong);
  }

  private static InputEvent event(String lockId, LockEventType type, long appendTime) {
    return new InputEvent(lockId, 1, type, appendTime);
  }

  @Test
  void shouldJudgeASilenceFromTheEndOfALogOutageWhenTheLogWasDownDuringIt() {
    List<ChaosVerifier.InputEvent> inputs =
        List.of(
            new ChaosVerifier.InputEvent("a.conf", 1, LockEventType.ACQUIRED, 0),
            new ChaosVerifier.InputEvent("a.conf", 1, LockEventType.HEARTBEAT, 1_000),
            new ChaosVerifier.InputEvent("a.conf", 1, LockEventType.HEARTBEAT, 8_600),
            new ChaosVerifier.InputEvent("a.conf", 1, LockEventType.RELEASED, 9_000));
    Duration threshold = Duration.ofSeconds(6);
    Duration slack = Duration.ofMillis(500);

    ChaosVerifier.Report withoutOutage =
        ChaosVerifier.verify(inputs, List.of(), threshold, slack, 10_000);
    ChaosVerifier.Report acrossOutage =
        ChaosVerifier.verify(
            inputs,
            List.of(),
            threshold,
            slack,
            10_000,
            lockId -> List.of(new long[] {1_100, 7_900}));

    assertThat(withoutOutage.missed()).as("7.6 s silent, the log up").hasSize(1);
    assertThat(acrossOutage.missed()).as("silent 0.7 s after the log came back").isEmpty();
    // Counted from the outage's end it is a live holder; on the raw log 7.6 s: either way.
    assertThat(acrossOutage.holdings().get(0).longestSilenceMs()).isEqualTo(1_000);
    assertThat(acrossOutage.holdings().get(0).verdict()).isEqualTo(Verdict.EITHER);
    assertThat(
            ChaosVerifier.verify(
                    inputs,
                    List.of(new Command("a.conf", 1, 8_000)),
                    threshold,
                    slack,
                    10_000,
                    lockId -> List.of(new long[] {1_100, 7_900}))
                .liveReclaimed())
        .as("a reclaim on the raw silence across the outage is not a live one reclaimed")
        .isEmpty();
  }
}
