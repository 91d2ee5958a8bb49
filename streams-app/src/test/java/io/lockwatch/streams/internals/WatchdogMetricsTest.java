package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.core.Outcome;
import io.lockwatch.core.Transition;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.LockStatus;
import io.lockwatch.streams.WatchdogMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    assertThat(metrics.scrape())
        .as("0.25 s < 0.3 s <= 0.5 s")
        .contains("lockwatch_detection_delay_seconds_bucket{le=\"0.25\"} 0\n")
        .contains("lockwatch_detection_delay_seconds_bucket{le=\"0.5\"} 1\n");
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

  @Test
  void shouldExposeEveryDocumentedNameWithItsTypeWhenScraped() {
    metrics.locksByStatus(Map.of(LockStatus.HELD, 3L));

    String text = metrics.scrape();

    assertThat(text)
        .contains("# TYPE lockwatch_inputs_total counter\n")
        .contains("lockwatch_inputs_total{outcome=\"APPLIED\"} 0.0\n")
        .contains("# TYPE lockwatch_alerts_total counter\n")
        .contains("lockwatch_alerts_total{reason=\"STALE_LOCK_DETECTED\"} 0.0\n")
        .contains("# TYPE lockwatch_locks gauge\n")
        .contains("lockwatch_locks{status=\"HELD\"} 3.0\n")
        .contains("lockwatch_locks{status=\"RECLAIM_PENDING\"} 0.0\n")
        .contains("# TYPE lockwatch_detection_delay_seconds histogram\n")
        .contains("lockwatch_detection_delay_seconds_count 0\n")
        .contains("lockwatch_dead_letters_total{reason=\"MISPARTITIONED\"} 0.0\n")
        .contains("lockwatch_reclaims_issued_total 0.0\n")
        .contains("lockwatch_reclaims_confirmed_total 0.0\n")
        .contains("lockwatch_judgements_held_total 0.0\n")
        .contains("lockwatch_check_failures_total 0.0\n")
        .contains("lockwatch_registry_unavailable_total 0.0\n");
  }

  private static Transition applied(Duration delay) {
    return new Transition(
        null, false, List.of(), List.of(), Optional.empty(), Optional.of(delay), Outcome.APPLIED);
  }
}
