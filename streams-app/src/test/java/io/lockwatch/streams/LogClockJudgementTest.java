package io.lockwatch.streams;

import static io.lockwatch.streams.WatchdogHarness.NODE_4;
import static io.lockwatch.streams.WatchdogHarness.NODE_7;
import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.ReclaimCommand;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On broker append times, locks are judged on the log's clock (the ticks' append times), never on
 * Lockwatch's wall clock: a host clock that is ahead, stepped or paused judges nothing, and a
 * partition that could not be written for a while (holders could not heartbeat either) reclaims no
 * lock for that silence.
 */
class LogClockJudgementTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1); // threshold 3 s
  private static final Duration TICK = Duration.ofMillis(250);

  private WatchdogHarness lockwatch;
  private long tickNumber;
  private long mono;

  @BeforeEach
  void start() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build(), 0, InputClock.APPEND_TIME);
  }

  @AfterEach
  void close() {
    lockwatch.close();
  }

  /** Ticks (and live.conf's heartbeats every second) over {@code duration} of the log's clock. */
  private void run(Duration duration, boolean liveBeats) {
    for (long at = 0; at < duration.toMillis(); at += TICK.toMillis()) {
      lockwatch.advanceLog(TICK);
      mono += TICK.toMillis();
      if (liveBeats && mono % 1000 == 0) {
        lockwatch.heartbeat("live.conf", NODE_4, 7, lockwatch.now());
      }
      lockwatch.tick("ticker-a", tickNumber++, mono, 3, 0);
    }
  }

  @Test
  void shouldReclaimNoLiveLockWhenLockwatchsOwnClockRunsAheadOrJumps() {
    lockwatch.acquire("live.conf", NODE_4, 7, INTERVAL);
    lockwatch.acquire("frozen.conf", NODE_7, 42, INTERVAL);

    // Lockwatch's host clock 20 s ahead, then stepped 10 minutes: nothing is judged on it.
    lockwatch.advanceWallClockOnly(Duration.ofSeconds(20));
    assertThat(lockwatch.commands()).isEmpty();
    lockwatch.advanceWallClockOnly(Duration.ofMinutes(10));
    assertThat(lockwatch.commands()).isEmpty();

    // The log's clock moves with the ticks: frozen.conf goes stale 3 s after its acquire (plus a
    // tick to confirm the clock), live.conf never does.
    run(Duration.ofSeconds(2), true);
    assertThat(lockwatch.commands()).isEmpty();
    run(Duration.ofSeconds(10), true);

    List<ReclaimCommand> commands = lockwatch.commands();
    assertThat(commands).extracting(ReclaimCommand::getLockId).containsExactly("frozen.conf");
    Duration detected =
        Duration.between(WatchdogHarness.START.plusSeconds(3), commands.get(0).getIssuedAt());
    assertThat(detected).isBetween(Duration.ZERO, Duration.ofMillis(600));
  }

  @Test
  void shouldWaitForAConfirmingTickWhenOnlyOneTickHasBeenRead() {
    lockwatch.acquire("frozen.conf", NODE_7, 42, INTERVAL);
    lockwatch.advanceLog(Duration.ofSeconds(10));
    lockwatch.tick("ticker-a", 0, 10_000, -1, 0);
    assertThat(lockwatch.commands()).as("one tick: was it appended on time?").isEmpty();

    lockwatch.advanceLog(TICK);
    lockwatch.tick("ticker-a", 1, 10_250, 4, 0);
    assertThat(lockwatch.commands()).extracting(ReclaimCommand::getLockId).hasSize(1);
  }

  @Test
  void shouldGiveEveryLockAFreshThresholdWhenThePartitionCouldNotBeWritten() {
    lockwatch.acquire("live.conf", NODE_4, 7, INTERVAL);
    lockwatch.acquire("frozen.conf", NODE_7, 42, INTERVAL);
    run(Duration.ofSeconds(1), true);

    // The partition's leader is down for 10 s: a tick sent at its start is appended at its end,
    // next to the heartbeats the holders could not write meanwhile.
    long sentAt = mono + TICK.toMillis();
    lockwatch.advanceLog(Duration.ofSeconds(10));
    lockwatch.tick("ticker-a", tickNumber++, sentAt, 3, 0);
    lockwatch.advanceLog(Duration.ofMillis(20));
    lockwatch.heartbeat("live.conf", NODE_4, 7, lockwatch.now());
    mono = sentAt + 10_000;
    lockwatch.advanceLog(TICK);
    lockwatch.tick("ticker-a", tickNumber++, mono, 10_000, 0);

    assertThat(lockwatch.commands()).as("no lock is reclaimed for the outage's silence").isEmpty();
    // live.conf's renewal after the gap is a HOLDER_PAUSED (its holder could not write either).
    List<Alert> alerts =
        lockwatch.alerts().stream()
            .filter(alert -> alert.getReason() == AlertReason.CLOCK_JUMP)
            .toList();
    assertThat(alerts).hasSize(1);
    assertThat(alerts.get(0).getEvidence()).containsEntry("clock", "LOG_BLIND");
    assertThat(alerts.get(0).getLockId()).isEmpty();

    // frozen.conf is reclaimed one threshold after the outage; live.conf keeps beating.
    run(Duration.ofSeconds(5), true);
    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactly("frozen.conf");
  }

  @Test
  void shouldHoldReclaimsWhenTheBrokersClockJumpsAhead() {
    lockwatch.acquire("live.conf", NODE_4, 7, INTERVAL);
    run(Duration.ofSeconds(2), true);

    // The leader's clock is stepped 10 minutes ahead between two prompt ticks.
    lockwatch.advanceLog(Duration.ofMinutes(10));
    run(Duration.ofMillis(750), true);

    assertThat(lockwatch.commands()).isEmpty();
    assertThat(lockwatch.alerts())
        .singleElement()
        .satisfies(
            alert -> {
              assertThat(alert.getReason()).isEqualTo(AlertReason.CLOCK_JUMP);
              assertThat(alert.getEvidence()).containsEntry("clock", "LOG_AHEAD");
            });
    run(Duration.ofSeconds(10), true);
    assertThat(lockwatch.commands()).as("live.conf renewed within its fresh threshold").isEmpty();
  }
}
