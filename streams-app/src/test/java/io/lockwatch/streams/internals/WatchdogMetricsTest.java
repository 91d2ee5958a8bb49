package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.core.Outcome;
import io.lockwatch.core.Transition;
import io.lockwatch.events.AlertReason;
import io.lockwatch.streams.WatchdogMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Counts become visible when the task commits; work a failed transaction threw away does not. */
class WatchdogMetricsTest {
  private final WatchdogMetrics metrics = new WatchdogMetrics();

  @Test
  void shouldCountWorkOnlyWhenItsTaskCommits() {
    WatchdogMetrics.TaskMetrics task = metrics.forTask();
    task.record(applied(Duration.ofMillis(300)));
    task.checkFailed();

    assertThat(metrics.outcomes(Outcome.APPLIED)).isZero();
    task.publish();

    assertThat(metrics.outcomes(Outcome.APPLIED)).isEqualTo(1);
    assertThat(metrics.checkFailures()).isEqualTo(1);
    assertThat(metrics.delayBucketCounts()[3]).as("0.25 s < 0.3 s <= 0.5 s").isEqualTo(1);
    task.publish();
    assertThat(metrics.outcomes(Outcome.APPLIED)).as("published once").isEqualTo(1);
  }

  @Test
  void shouldNotCountWorkTwiceWhenATransactionIsAbortedAndRedone() {
    WatchdogMetrics.TaskMetrics task = metrics.forTask();
    task.record(applied(Duration.ofMillis(300)));
    task.discard(); // the task was closed dirty: its transaction aborted

    WatchdogMetrics.TaskMetrics revived = metrics.forTask();
    revived.record(applied(Duration.ofMillis(300)));
    revived.publish();

    assertThat(metrics.outcomes(Outcome.APPLIED)).isEqualTo(1);
    assertThat(metrics.alerts(AlertReason.STALE_LOCK_DETECTED)).isZero();
    assertThat(metrics.delaySumSeconds()).isEqualTo(0.3);
  }

  private static Transition applied(Duration delay) {
    return new Transition(
        null, false, List.of(), List.of(), Optional.empty(), Optional.of(delay), Outcome.APPLIED);
  }
}
