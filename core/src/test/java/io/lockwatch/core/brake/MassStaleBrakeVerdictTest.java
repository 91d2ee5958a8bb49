package io.lockwatch.core.brake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MassStaleBrakeVerdictTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:12:00Z");
  private static final long THRESHOLD_MS = 3_000;

  private static MassStaleBrake fleet(MassStaleBrake.Settings settings, int nodes) {
    MassStaleBrake brake = new MassStaleBrake(settings);
    for (int n = 0; n < nodes; n++) {
      brake.heard("node-" + n, T0);
    }
    return brake;
  }

  @Test
  void shouldHoldOnlyWhenEnoughNodesAndAShareOfThemWentSilent() {
    MassStaleBrake brake = fleet(MassStaleBrake.Settings.DEFAULT, 10);
    Instant now = T0.plusSeconds(3);
    for (int n = 0; n < 4; n++) {
      brake.heard("node-" + n, now.minusMillis(500)); // four still beating
    }

    MassStaleBrake.Verdict verdict = brake.judge("node-9", now, THRESHOLD_MS);

    assertThat(verdict.holds()).isTrue();
    assertThat(verdict.engaged()).isTrue();
    assertThat(verdict.silentNodes()).isEqualTo(6);
    assertThat(verdict.recentNodes()).isEqualTo(10);
    assertThat(brake.judge("node-8", now, THRESHOLD_MS).engaged()).as("one alert").isFalse();

    MassStaleBrake few = fleet(MassStaleBrake.Settings.DEFAULT, 2);
    assertThat(few.judge("node-1", now, THRESHOLD_MS).holds())
        .as("two silent nodes are fewer than three")
        .isFalse();
  }

  @Test
  void shouldForgetNodesNotHeardWithinTheWindow() {
    MassStaleBrake brake = fleet(MassStaleBrake.Settings.DEFAULT, 10);
    Instant later = T0.plus(Duration.ofMinutes(5));
    for (int n = 0; n < 10; n++) {
      if (n != 3) {
        brake.heard("node-" + n, later.minusMillis(200));
      }
    }
    MassStaleBrake.Verdict verdict = brake.judge("node-3", later, THRESHOLD_MS);
    assertThat(verdict.holds()).isFalse();
    assertThat(verdict.recentNodes()).as("node-3 was last heard 5 min ago").isEqualTo(9);
  }

  @Test
  void shouldHoldPastTheRateCapUntilAMinuteHasPassed() {
    MassStaleBrake brake =
        fleet(new MassStaleBrake.Settings(0.55, 3, Duration.ofMinutes(1), 2), 10);
    Instant now = T0.plusMillis(100); // every node heard: nobody silent

    assertThat(brake.judge("node-0", now, THRESHOLD_MS).holds()).isFalse();
    assertThat(brake.judge("node-1", now, THRESHOLD_MS).holds()).isFalse();
    MassStaleBrake.Verdict third = brake.judge("node-2", now, THRESHOLD_MS);
    assertThat(third.holds()).isTrue();
    assertThat(third.rateLimited()).isTrue();

    assertThat(brake.judge("node-3", now.plusSeconds(61), THRESHOLD_MS).holds()).isFalse();
  }
}
