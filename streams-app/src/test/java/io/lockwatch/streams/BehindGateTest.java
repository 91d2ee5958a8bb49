package io.lockwatch.streams;

import static io.lockwatch.streams.WatchdogHarness.NODE_4;
import static io.lockwatch.streams.WatchdogHarness.NODE_7;
import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.ReclaimCommand;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task that has not processed its input to the end judges, on broker append times, the locks
 * whose deadline every processed input already covers, and only those: a burst of input no longer
 * starves every check round, and no lock is judged before the inputs that could renew it.
 */
class BehindGateTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10); // threshold 30 s

  private WatchdogHarness lockwatch;

  @AfterEach
  void close() {
    lockwatch.close();
  }

  @Test
  void shouldJudgeOnlyTheLocksItsProcessedInputCoversWhenItIsBehind() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build(), 0, InputClock.APPEND_TIME);
    lockwatch.caughtUp.set(false);
    lockwatch.acquire("frozen.conf", NODE_7, 41, INTERVAL);
    lockwatch.acquire("renewed.conf", NODE_4, 7, INTERVAL);
    lockwatch.advance(Duration.ofSeconds(20));
    lockwatch.heartbeat("renewed.conf", NODE_4, 7, lockwatch.now()); // deadline now +50 s

    // Past frozen.conf's deadline (30 s) on the wall clock, but the last input processed was
    // appended at 20 s: what came after may hold its renewal.
    lockwatch.advance(Duration.ofSeconds(15));
    assertThat(lockwatch.commands()).isEmpty();

    // An input appended at 40 s is processed: every input up to then is in, so frozen.conf is
    // judged; renewed.conf (deadline 50 s) is not, though the wall clock is past it.
    lockwatch.advance(Duration.ofSeconds(5));
    lockwatch.acquire("other.conf", NODE_4, 1, INTERVAL);
    lockwatch.advance(Duration.ofSeconds(15));

    List<ReclaimCommand> commands = lockwatch.commands();
    assertThat(commands).extracting(ReclaimCommand::getLockId).containsExactly("frozen.conf");
    assertThat(commands.get(0).getIssuedAt())
        .as("made on the wall clock, stamped with the input time it rests on")
        .isAfter(WatchdogHarness.START.plusSeconds(40));

    // Caught up: renewed.conf's deadline (50 s) has passed; other.conf's (70 s) has not.
    lockwatch.caughtUp.set(true);
    lockwatch.advance(Duration.ofMillis(200));
    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactly("renewed.conf");
  }
}
