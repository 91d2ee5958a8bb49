package io.lockwatch.streams;

import static io.lockwatch.streams.WatchdogHarness.NODE_7;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lockwatch.core.detect.Detector;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.LockState;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The accrual detector in the topology: the learned rhythm lives in the lock-state store (so it
 * survives a restart with the store, through its changelog), and a steady holder that stops is
 * found at the floor, sooner than the fixed threshold.
 */
class AccrualDetectionTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private WatchdogHarness lockwatch;

  @AfterEach
  void closeDriver() {
    lockwatch.close();
  }

  @Test
  void shouldKeepTheRhythmInTheStoreAndReclaimAtTheFloorWhenASteadyHolderStops() {
    lockwatch =
        new WatchdogHarness(
            WatchdogHarness.policy().defaultDetector(Detector.ACCRUAL).floorBeats(2).build());
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    for (int beat = 0; beat < 20; beat++) {
      lockwatch.advanceInSteps(INTERVAL, Duration.ofSeconds(1));
      lockwatch.heartbeat(NODE_7, 41);
    }

    LockState stored = lockwatch.stored(WatchdogHarness.LOCK);
    assertThat(stored.getDetector()).isEqualTo("accrual");
    assertThat(stored.getHeartbeatSamples()).isEqualTo(20);
    assertThat(stored.getHeartbeatMeanMs()).isCloseTo(10_000, within(1.0));
    assertThat(stored.getSuspectAfterMs()).isEqualTo(20_000);

    lockwatch.advanceInSteps(Duration.ofSeconds(19), Duration.ofSeconds(1));
    assertThat(lockwatch.commands()).isEmpty();
    lockwatch.advanceInSteps(Duration.ofSeconds(2), Duration.ofMillis(100));
    assertThat(lockwatch.commands()).hasSize(1);
    Alert stale =
        lockwatch.alerts().stream()
            .filter(alert -> alert.getReason() == AlertReason.STALE_LOCK_DETECTED)
            .findFirst()
            .orElseThrow();
    assertThat(stale.getEvidence())
        .containsEntry("detector", "accrual")
        .containsEntry("staleAfterMs", "20000");
  }
}
