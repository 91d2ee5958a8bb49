package io.lockwatch.core.detect;

/**
 * The phi accrual failure detector (Hayashibara et al., 2004), as Akka and Cassandra use it, for a
 * lock's heartbeats: the suspicion that the holder is gone, {@code phi = -log10(1 - F(t))}, where
 * {@code t} is the time since the last heartbeat and {@code F} the normal distribution fitted to
 * the holder's observed inter-arrival times.
 *
 * <p>The fit is a running, exponentially weighted mean and variance ({@link #learn}): two numbers
 * per holding, whatever its length, so the state store does not grow with it. A new holding starts
 * from the interval the holder declared, with a deviation of a quarter of it.
 *
 * <p>The deadline is where phi crosses the configured level: {@code mean + z * deviation}, with
 * {@code z} solved once per level; or, if later, 10% past the longest gap the holding has shown
 * recently (a decaying maximum, a third number): a normal fit is thin-tailed, and a holder that
 * pauses for GC now and then would otherwise be suspected at every pause. It never falls before the
 * floor (a holder is never suspected sooner than its declared interval times the floor factor) nor
 * after the ceiling (the declared interval times the ceiling factor, never sooner than the fixed
 * threshold), so a frozen lock is always found by then.
 */
public final class AccrualDetector {
  private static final double SQRT2 = Math.sqrt(2);

  /** How much longer than the longest recent gap a holder is given before it is suspected. */
  static final double PAUSE_MARGIN = 1.1;

  private final double phiThreshold;
  private final double weight;
  private final double minDeviationRatio;
  private final double z;
  private final double pauseDecay;

  /**
   * @param phiThreshold the suspicion level at which a holding is stale (8: the chance that a live
   *     holder's next heartbeat comes this late is 10^-8 under the fitted distribution)
   * @param weight how much each new inter-arrival time moves the estimate (0 to 1)
   * @param minDeviationRatio the smallest deviation assumed, as a fraction of the declared
   *     interval: a metronome's fitted deviation goes to zero, and network jitter is never zero
   */
  public AccrualDetector(double phiThreshold, double weight, double minDeviationRatio) {
    this(phiThreshold, weight, minDeviationRatio, 500);
  }

  /**
   * @param pauseMemoryBeats over how many heartbeats the longest gap seen halves: how long a holder
   *     that paused once is given the same slack again
   */
  public AccrualDetector(
      double phiThreshold, double weight, double minDeviationRatio, double pauseMemoryBeats) {
    if (!(phiThreshold > 0) || phiThreshold > 15) {
      throw new IllegalArgumentException("phi threshold must be in (0, 15], not " + phiThreshold);
    }
    if (!(weight > 0) || weight > 1) {
      throw new IllegalArgumentException("weight must be in (0, 1], not " + weight);
    }
    if (!(minDeviationRatio > 0) || minDeviationRatio > 1) {
      throw new IllegalArgumentException(
          "minimum deviation ratio must be in (0, 1], not " + minDeviationRatio);
    }
    this.phiThreshold = phiThreshold;
    this.weight = weight;
    this.minDeviationRatio = minDeviationRatio;
    if (!(pauseMemoryBeats >= 1)) {
      throw new IllegalArgumentException(
          "pause memory must be at least 1 heartbeat, not " + pauseMemoryBeats);
    }
    this.z = quantile(phiThreshold);
    this.pauseDecay = Math.pow(0.5, 1 / pauseMemoryBeats);
  }

  /** A holding's fitted inter-arrival distribution, in milliseconds, and how many gaps it saw. */
  public record Estimate(double meanMs, double deviationMs, double longestGapMs, long samples) {
    /**
     * The prior for a new holding: the declared interval, a quarter of it as deviation, and the
     * interval as the longest gap seen.
     */
    public static Estimate declared(long intervalMs) {
      return new Estimate(intervalMs, intervalMs / 4.0, intervalMs, 0);
    }
  }

  /**
   * The estimate after one more observed inter-arrival time: mean and variance exponentially
   * weighted; the longest gap decays by half over {@code pauseMemoryBeats} heartbeats, unless a
   * longer one replaces it.
   */
  public Estimate learn(Estimate estimate, long intervalMs) {
    double mean = estimate.meanMs();
    double variance = estimate.deviationMs() * estimate.deviationMs();
    double difference = intervalMs - mean;
    double increment = weight * difference;
    double nextMean = mean + increment;
    double nextVariance = (1 - weight) * (variance + difference * increment);
    double longest = Math.max(intervalMs, estimate.longestGapMs() * pauseDecay);
    return new Estimate(nextMean, Math.sqrt(nextVariance), longest, estimate.samples() + 1);
  }

  /** The suspicion after {@code elapsedMs} without a heartbeat. */
  public double phi(long elapsedMs, Estimate estimate, long declaredIntervalMs) {
    double deviation = deviation(estimate, declaredIntervalMs);
    double tail = 0.5 * erfc((elapsedMs - estimate.meanMs()) / (deviation * SQRT2));
    return tail <= 0 ? Double.POSITIVE_INFINITY : -Math.log10(tail);
  }

  /**
   * How long after the last heartbeat the holding is stale: where phi crosses the threshold,
   * clamped to {@code [floorMs, ceilingMs]}.
   */
  public long suspectAfterMs(
      Estimate estimate, long declaredIntervalMs, long floorMs, long ceilingMs) {
    // The normal fit says how late a beat may be in the holder's usual rhythm; the longest recent
    // gap is the pause it has shown it takes (Akka's acceptable heartbeat pause, learned).
    double at =
        Math.max(
            estimate.meanMs() + z * deviation(estimate, declaredIntervalMs),
            estimate.longestGapMs() * PAUSE_MARGIN);
    long ms = (long) Math.ceil(at);
    return Math.max(Math.min(floorMs, ceilingMs), Math.min(ceilingMs, ms));
  }

  public double phiThreshold() {
    return phiThreshold;
  }

  private double deviation(Estimate estimate, long declaredIntervalMs) {
    return Math.max(estimate.deviationMs(), minDeviationRatio * declaredIntervalMs);
  }

  /** The z with {@code -log10(P(Z > z)) = phi} for a standard normal Z, by bisection. */
  static double quantile(double phi) {
    double target = Math.pow(10, -phi);
    double low = 0;
    double high = 40;
    for (int i = 0; i < 200; i++) {
      double mid = (low + high) / 2;
      if (0.5 * erfc(mid / SQRT2) > target) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return (low + high) / 2;
  }

  /**
   * The complementary error function, with a fractional error below 1.2e-7 everywhere (Numerical
   * Recipes' Chebyshev fit): precise in the far tail, where phi is read.
   */
  static double erfc(double x) {
    double t = 1 / (1 + 0.5 * Math.abs(x));
    double y =
        t
            * Math.exp(
                -x * x
                    - 1.26551223
                    + t
                        * (1.00002368
                            + t
                                * (0.37409196
                                    + t
                                        * (0.09678418
                                            + t
                                                * (-0.18628806
                                                    + t
                                                        * (0.27886807
                                                            + t
                                                                * (-1.13520398
                                                                    + t
                                                                        * (1.48851587
                                                                            + t
                                                                                * (-0.82215223
                                                                                    + t
                                                                                        * 0.17087277)))))))));
    return x >= 0 ? y : 2 - y;
  }
}
