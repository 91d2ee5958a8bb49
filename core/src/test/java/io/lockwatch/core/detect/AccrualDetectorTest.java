package io.lockwatch.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lockwatch.core.detect.AccrualDetector.Estimate;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class AccrualDetectorTest {
  private final AccrualDetector detector = new AccrualDetector(8, 0.1, 0.1);

  @Test
  void shouldMatchTabulatedValuesWhenComputingTheNormalTail() {
    assertThat(AccrualDetector.erfc(0)).isCloseTo(1.0, within(1e-7));
    assertThat(AccrualDetector.erfc(1)).isCloseTo(0.157299207, Percentage.withPercentage(1e-4));
    assertThat(AccrualDetector.erfc(2)).isCloseTo(0.004677735, Percentage.withPercentage(1e-4));
    assertThat(AccrualDetector.erfc(4)).isCloseTo(1.541725790e-8, Percentage.withPercentage(1e-4));
    assertThat(AccrualDetector.erfc(-1)).isCloseTo(1.842700793, Percentage.withPercentage(1e-4));
  }

  @Test
  void shouldSolveTheStandardNormalQuantileWhenGivenAPhiLevel() {
    // P(Z > z) = 10^-phi
    assertThat(AccrualDetector.quantile(1)).isCloseTo(1.281552, within(1e-5));
    assertThat(AccrualDetector.quantile(3)).isCloseTo(3.090232, within(1e-5));
    assertThat(AccrualDetector.quantile(8)).isCloseTo(5.612001, within(1e-4));
  }

  @Test
  void shouldGivePhiOfTheFittedNormalWhenTheHeartbeatIsLate() {
    Estimate estimate = new Estimate(1_000, 100, 1_000, 50);

    assertThat(detector.phi(1_000, estimate, 1_000)).isCloseTo(0.30103, within(1e-4)); // half
    assertThat(detector.phi(1_128, estimate, 1_000)).isCloseTo(1.0, within(0.01));
    assertThat(detector.phi(1_561, estimate, 1_000)).isCloseTo(8.0, within(0.01));
    assertThat(detector.phi(500, estimate, 1_000)).isLessThan(0.001);
  }

  @Test
  void shouldWeighEachNewIntervalWhenLearning() {
    Estimate prior = Estimate.declared(1_000);
    assertThat(prior).isEqualTo(new Estimate(1_000, 250, 1_000, 0));

    Estimate once = detector.learn(prior, 1_100);
    // mean += 0.1 * 100; variance = 0.9 * (250^2 + 100 * 10)
    assertThat(once.meanMs()).isCloseTo(1_010, within(1e-9));
    assertThat(once.deviationMs()).isCloseTo(Math.sqrt(0.9 * (62_500 + 1_000)), within(1e-9));
    assertThat(once.samples()).isEqualTo(1);

    Estimate metronome = prior;
    for (int i = 0; i < 200; i++) {
      metronome = detector.learn(metronome, 1_000);
    }
    assertThat(metronome.meanMs()).isCloseTo(1_000, within(1e-6));
    assertThat(metronome.deviationMs()).isLessThan(0.01);
  }

  @Test
  void shouldPlaceTheDeadlineWherePhiCrossesWithinTheFloorAndCeilingWhenAsked() {
    // A metronome's deviation is the minimum (10% of 1 s): phi 8 at 1000 + 5.612 * 100.
    Estimate metronome = new Estimate(1_000, 0.001, 1_000, 200);
    assertThat(detector.suspectAfterMs(metronome, 1_000, 1_000, 5_000)).isEqualTo(1_562);
    assertThat(detector.suspectAfterMs(metronome, 1_000, 2_000, 5_000))
        .as("never before the floor")
        .isEqualTo(2_000);

    // A jittery holder (deviation 400 ms) gets more slack.
    Estimate jittery = new Estimate(1_000, 400, 1_000, 200);
    assertThat(detector.suspectAfterMs(jittery, 1_000, 2_000, 5_000)).isEqualTo(3_245);
    assertThat(detector.suspectAfterMs(jittery, 1_000, 2_000, 3_000))
        .as("never after the ceiling")
        .isEqualTo(3_000);
  }

  @Test
  void shouldGiveAHolderThatPausesTheSlackOfItsLongestRecentGapWhenItDecays() {
    AccrualDetector halfLifeOf10 = new AccrualDetector(8, 0.1, 0.1, 10);
    Estimate paused = halfLifeOf10.learn(new Estimate(1_000, 50, 1_000, 100), 4_000);
    assertThat(paused.longestGapMs()).isEqualTo(4_000);
    // A steady rhythm that showed a 4 s pause: 10% past it, not the (thin) normal tail.
    Estimate steadyButPausing = new Estimate(1_000, 50, 4_000, 100);
    assertThat(halfLifeOf10.suspectAfterMs(steadyButPausing, 1_000, 2_000, 5_000)).isEqualTo(4_400);

    Estimate later = paused;
    for (int i = 0; i < 10; i++) {
      later = halfLifeOf10.learn(later, 1_000);
    }
    assertThat(later.longestGapMs()).isCloseTo(2_000, within(1e-6));
  }

  @Test
  void shouldRefuseSettingsOutsideTheirRangeWhenBuilt() {
    assertThatThrownBy(() -> new AccrualDetector(0, 0.1, 0.1))
        .hasMessage("phi threshold must be in (0, 15], not 0.0");
    assertThatThrownBy(() -> new AccrualDetector(8, 0, 0.1))
        .hasMessage("weight must be in (0, 1], not 0.0");
    assertThatThrownBy(() -> new AccrualDetector(8, 0.1, 2))
        .hasMessage("minimum deviation ratio must be in (0, 1], not 2.0");
  }
}
