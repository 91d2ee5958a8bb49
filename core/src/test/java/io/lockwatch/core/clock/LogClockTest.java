package io.lockwatch.core.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogClockTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:12:00Z");
  private static final Duration BOUND = Duration.ofSeconds(2);

  private static Tick tick(
      String ticker, long number, long appendedMs, long sentMonoMs, long previousLatencyMs) {
    return new Tick(
        ticker,
        "lockwatch-a",
        number,
        T0.plusMillis(appendedMs),
        T0,
        sentMonoMs,
        previousLatencyMs,
        0,
        0);
  }

  @Test
  void shouldMoveOnlyWhenTheNextTickConfirmsTheLastWasAppendedPromptly() {
    LogClock clock = new LogClock(BOUND, null);

    assertThat(clock.onTick(tick("a", 0, 0, 1_000, -1))).isEmpty();
    assertThat(clock.now()).isEmpty();
    assertThat(clock.onTick(tick("a", 1, 250, 1_250, 4))).isEmpty();
    assertThat(clock.now()).contains(T0);
    clock.onTick(tick("a", 2, 500, 1_500, 3));
    assertThat(clock.now()).contains(T0.plusMillis(250));
    assertThat(clock.freshFrom()).isEmpty();
  }

  @Test
  void shouldSeeABlindLogWhenATickTookLongerThanTheBoundToBeAppended() {
    LogClock clock = new LogClock(BOUND, null);
    clock.onTick(tick("a", 0, 0, 0, -1));
    clock.onTick(tick("a", 1, 10_250, 250, 3)); // sent at 250, held up 10 s

    List<LogClock.Jump> jumps = clock.onTick(tick("a", 2, 10_500, 10_500, 10_000));

    assertThat(jumps)
        .containsExactly(
            new LogClock.Jump(
                LogClock.JumpKind.LOG_BLIND, 10_000, T0.plusMillis(10_250), "lockwatch-a"));
    assertThat(clock.freshFrom()).contains(T0.plusMillis(10_250));
    assertThat(clock.now()).contains(T0.plusMillis(10_250));
  }

  @Test
  void shouldSeeTheBrokersClockJumpAheadWhenAppendTimesOutrunTheTicker() {
    LogClock clock = new LogClock(BOUND, null);
    clock.onTick(tick("a", 0, 0, 0, -1));
    clock.onTick(tick("a", 1, 250, 250, 2));
    clock.onTick(tick("a", 2, 600_500, 500, 2)); // the leader's clock stepped +10 min

    List<LogClock.Jump> jumps = clock.onTick(tick("a", 3, 600_750, 750, 2));

    assertThat(jumps).extracting(LogClock.Jump::kind).containsExactly(LogClock.JumpKind.LOG_AHEAD);
    assertThat(jumps.get(0).sizeMs()).isEqualTo(600_000);
    assertThat(clock.freshFrom()).contains(T0.plusMillis(600_500));
  }

  @Test
  void shouldWaitWithoutJudgingAfreshWhenTheBrokersClockStepsBack() {
    LogClock clock = new LogClock(BOUND, null);
    clock.onTick(tick("a", 0, 10_000, 0, -1));
    clock.onTick(tick("a", 1, 10_250, 250, 2));
    clock.onTick(tick("a", 2, 500, 500, 2)); // stepped back ~10 s

    List<LogClock.Jump> jumps = clock.onTick(tick("a", 3, 750, 750, 2));

    assertThat(jumps).extracting(LogClock.Jump::kind).containsExactly(LogClock.JumpKind.LOG_BEHIND);
    assertThat(clock.now()).as("never back").contains(T0.plusMillis(10_250));
    assertThat(clock.freshFrom()).isEmpty();
  }

  @Test
  void shouldTolerateMovementsWithinTheBoundAndTheLatencies() {
    LogClock clock = new LogClock(BOUND, null);
    clock.onTick(tick("a", 0, 0, 0, -1));
    clock.onTick(tick("a", 1, 250, 250, 900));
    clock.onTick(tick("a", 2, 3_400, 500, 900)); // 2.65 s ahead, within 2 s + 0.9 s
    assertThat(clock.onTick(tick("a", 3, 3_650, 750, 900))).isEmpty();
  }

  @Test
  void shouldConfirmEachTickersTicksWhenTwoTickersInterleave() {
    LogClock clock = new LogClock(BOUND, null);
    clock.onTick(tick("a", 0, 0, 0, -1));
    clock.onTick(tick("b", 7, 100, 90_000, -1));
    clock.onTick(tick("a", 1, 250, 250, 2));
    assertThat(clock.now()).contains(T0);
    clock.onTick(tick("b", 8, 350, 90_250, 2));
    assertThat(clock.now()).contains(T0.plusMillis(100));
  }

  @Test
  void shouldReportTheTickersOwnClockJumpAndTheBlindPeriodItSaw() {
    LogClock clock = new LogClock(BOUND, T0.minusSeconds(60));
    Tick withJump = new Tick("a", "lockwatch-a", 0, T0, T0, 0, -1, 12_000, 600_000);

    List<LogClock.Jump> jumps = clock.onTick(withJump);

    assertThat(jumps)
        .extracting(LogClock.Jump::kind)
        .containsExactly(LogClock.JumpKind.HOST, LogClock.JumpKind.LOG_BLIND);
    assertThat(clock.freshFrom()).as("the later jump wins").contains(T0);
  }
}
