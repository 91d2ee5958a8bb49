package io.lockwatch.core;

import io.lockwatch.core.brake.MassStaleBrake;
import io.lockwatch.core.detect.AccrualDetector;
import io.lockwatch.core.detect.Detector;
import io.lockwatch.core.incident.IncidentSettings;
import io.lockwatch.events.ReclaimPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How Lockwatch judges locks: staleness thresholds, reclaim policies by lock-id pattern, the grace
 * between stale and reclaim, and how long a reclaim may go unconfirmed. Immutable.
 *
 * <p>A lock's threshold is the first matching override, else the heartbeat interval its holder
 * promised times the missed-beats factor, else the default; then clamped to [min, max].
 */
public final class WatchPolicy {
  private final Duration defaultThreshold;
  private final int missedBeats;
  private final Duration minThreshold;
  private final Duration maxThreshold;
  private final List<Map.Entry<LockPattern, Duration>> thresholdOverrides;
  private final ReclaimPolicy defaultPolicy;
  private final List<Map.Entry<LockPattern, ReclaimPolicy>> policyRules;
  private final Duration reclaimGrace;
  private final Duration confirmTimeout;
  private final Detector defaultDetector;
  private final List<Map.Entry<LockPattern, Detector>> detectorRules;
  private final AccrualDetector accrual;
  private final double floorBeats;
  private final double ceilingBeats;
  private final MassStaleBrake.Settings brake;
  private final IncidentSettings incidents;

  private WatchPolicy(Builder builder) {
    this.defaultThreshold = builder.defaultThreshold;
    this.missedBeats = builder.missedBeats;
    this.minThreshold = builder.minThreshold;
    this.maxThreshold = builder.maxThreshold;
    this.thresholdOverrides = List.copyOf(builder.thresholdOverrides);
    this.defaultPolicy = builder.defaultPolicy;
    this.policyRules = List.copyOf(builder.policyRules);
    this.reclaimGrace = builder.reclaimGrace;
    this.confirmTimeout = builder.confirmTimeout;
    this.defaultDetector = builder.defaultDetector;
    this.detectorRules = List.copyOf(builder.detectorRules);
    this.accrual = builder.accrual;
    this.floorBeats = builder.floorBeats;
    this.ceilingBeats = builder.ceilingBeats;
    this.brake = builder.brake;
    this.incidents = builder.incidents;
  }

  /** How incidents end: the next holder's renewals, escalation, a lock left free. */
  public IncidentSettings incidents() {
    return incidents;
  }

  /** The mass-stale brake's settings. */
  public MassStaleBrake.Settings brake() {
    return brake;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The staleness threshold of {@code lockId}, whose holder promised {@code intervalMs} (or null).
   */
  public long thresholdMs(String lockId, Long intervalMs) {
    long threshold = defaultThreshold.toMillis();
    Duration override = firstMatch(thresholdOverrides, lockId);
    if (override != null) {
      threshold = override.toMillis();
    } else if (intervalMs != null && intervalMs > 0) {
      threshold = Math.multiplyExact(intervalMs, (long) missedBeats);
    }
    return Math.max(minThreshold.toMillis(), Math.min(maxThreshold.toMillis(), threshold));
  }

  /** The reclaim policy of {@code lockId}. */
  public ReclaimPolicy policy(String lockId) {
    ReclaimPolicy rule = firstMatch(policyRules, lockId);
    return rule != null ? rule : defaultPolicy;
  }

  /** How {@code lockId}'s deadline is derived: the first matching rule, else the default. */
  public Detector detector(String lockId) {
    Detector rule = firstMatch(detectorRules, lockId);
    return rule != null ? rule : defaultDetector;
  }

  /** The accrual detector's settings (phi level, weight, minimum deviation). */
  public AccrualDetector accrual() {
    return accrual;
  }

  /**
   * The earliest an accrual deadline may fall after the last heartbeat: the holder's interval times
   * the floor factor (never later than the lock's threshold).
   */
  public long floorMs(long intervalMs, long thresholdMs) {
    return Math.min(ceilingMs(intervalMs, thresholdMs), (long) Math.ceil(intervalMs * floorBeats));
  }

  /**
   * The latest an accrual deadline may fall after the last heartbeat: the holder's interval times
   * the ceiling factor, and never sooner than the lock's fixed threshold (nor later than the
   * maximum threshold). With the default factor, the fixed threshold itself.
   */
  public long ceilingMs(long intervalMs, long thresholdMs) {
    long ceiling = (long) Math.ceil(intervalMs * ceilingBeats);
    return Math.max(thresholdMs, Math.min(maxThreshold.toMillis(), ceiling));
  }

  /**
   * The heartbeat interval a lock is judged against: the one its holder declared, or else its
   * threshold divided by the missed-beats factor.
   */
  public long nominalIntervalMs(Long declaredMs, long thresholdMs) {
    return declaredMs != null && declaredMs > 0
        ? declaredMs
        : Math.max(1, thresholdMs / missedBeats);
  }

  public Duration reclaimGrace() {
    return reclaimGrace;
  }

  public Duration confirmTimeout() {
    return confirmTimeout;
  }

  public Duration maxThreshold() {
    return maxThreshold;
  }

  private static <T> T firstMatch(List<Map.Entry<LockPattern, T>> rules, String lockId) {
    for (Map.Entry<LockPattern, T> rule : rules) {
      if (rule.getKey().matches(lockId)) {
        return rule.getValue();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "WatchPolicy{default threshold "
        + defaultThreshold
        + ", missed beats "
        + missedBeats
        + ", bounds ["
        + minThreshold
        + ", "
        + maxThreshold
        + "], overrides "
        + thresholdOverrides
        + ", default policy "
        + defaultPolicy
        + ", policy rules "
        + policyRules
        + ", grace "
        + reclaimGrace
        + ", confirm timeout "
        + confirmTimeout
        + ", detector "
        + defaultDetector.setting()
        + ", detector rules "
        + detectorRules
        + ", accrual phi "
        + accrual.phiThreshold()
        + ", floor beats "
        + floorBeats
        + ", ceiling beats "
        + ceilingBeats
        + "}";
  }

  /** Options for {@link WatchPolicy}; the defaults are Lockwatch's documented defaults. */
  public static final class Builder {
    private Duration defaultThreshold = Duration.ofSeconds(30);
    private int missedBeats = 3;
    private Duration minThreshold = Duration.ofSeconds(1);
    private Duration maxThreshold = Duration.ofHours(1);
    private final List<Map.Entry<LockPattern, Duration>> thresholdOverrides = new ArrayList<>();
    private ReclaimPolicy defaultPolicy = ReclaimPolicy.AUTO;
    private MassStaleBrake.Settings brake = MassStaleBrake.Settings.DEFAULT;
    private final List<Map.Entry<LockPattern, ReclaimPolicy>> policyRules = new ArrayList<>();
    private Duration reclaimGrace = Duration.ZERO;
    private Duration confirmTimeout = Duration.ofSeconds(60);
    private IncidentSettings incidents = IncidentSettings.DEFAULT;
    private Detector defaultDetector = Detector.FIXED;
    private final List<Map.Entry<LockPattern, Detector>> detectorRules = new ArrayList<>();
    private AccrualDetector accrual = new AccrualDetector(8, 0.1, 0.1);
    private double floorBeats = 2;
    private double ceilingBeats = 3;

    private Builder() {}

    public Builder defaultDetector(Detector detector) {
      this.defaultDetector = Objects.requireNonNull(detector, "detector");
      return this;
    }

    /** Locks matching {@code pattern} are judged by {@code detector}; the first rule wins. */
    public Builder detector(String pattern, Detector detector) {
      detectorRules.add(
          Map.entry(LockPattern.of(pattern), Objects.requireNonNull(detector, "detector")));
      return this;
    }

    public Builder accrual(AccrualDetector accrual) {
      this.accrual = Objects.requireNonNull(accrual, "accrual");
      return this;
    }

    /** The accrual floor, in declared intervals (at least 1). */
    /** The accrual ceiling, in declared intervals (never below the fixed threshold). */
    public Builder ceilingBeats(double ceilingBeats) {
      if (!(ceilingBeats >= 1)) {
        throw new IllegalArgumentException("ceiling beats must be at least 1, not " + ceilingBeats);
      }
      this.ceilingBeats = ceilingBeats;
      return this;
    }

    public Builder floorBeats(double floorBeats) {
      if (!(floorBeats >= 1)) {
        throw new IllegalArgumentException("floor beats must be at least 1, not " + floorBeats);
      }
      this.floorBeats = floorBeats;
      return this;
    }

    public Builder defaultThreshold(Duration threshold) {
      this.defaultThreshold = positive(threshold, "default threshold");
      return this;
    }

    public Builder missedBeats(int missedBeats) {
      if (missedBeats < 1) {
        throw new IllegalArgumentException("missed beats must be at least 1");
      }
      this.missedBeats = missedBeats;
      return this;
    }

    public Builder thresholdBounds(Duration min, Duration max) {
      if (positive(min, "minimum threshold").compareTo(positive(max, "maximum threshold")) > 0) {
        throw new IllegalArgumentException("minimum threshold " + min + " exceeds maximum " + max);
      }
      this.minThreshold = min;
      this.maxThreshold = max;
      return this;
    }

    /** Locks matching {@code pattern} use {@code threshold} whatever their holder promised. */
    public Builder thresholdOverride(String pattern, Duration threshold) {
      thresholdOverrides.add(
          Map.entry(LockPattern.of(pattern), positive(threshold, "threshold of " + pattern)));
      return this;
    }

    public Builder defaultPolicy(ReclaimPolicy policy) {
      this.defaultPolicy = known(policy);
      return this;
    }

    /** Locks matching {@code pattern} get {@code policy}; the first matching rule wins. */
    public Builder policy(String pattern, ReclaimPolicy policy) {
      policyRules.add(Map.entry(LockPattern.of(pattern), known(policy)));
      return this;
    }

    public Builder reclaimGrace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("reclaim grace must not be negative");
      }
      this.reclaimGrace = grace;
      return this;
    }

    /** The mass-stale brake: the share and number of silent holder nodes that hold reclaims. */
    public Builder brake(MassStaleBrake.Settings brake) {
      this.brake = java.util.Objects.requireNonNull(brake);
      return this;
    }

    /** How incidents end. */
    public Builder incidents(IncidentSettings incidents) {
      this.incidents = Objects.requireNonNull(incidents);
      return this;
    }

    public Builder confirmTimeout(Duration timeout) {
      this.confirmTimeout = positive(timeout, "confirm timeout");
      return this;
    }

    public WatchPolicy build() {
      return new WatchPolicy(this);
    }

    private static Duration positive(Duration duration, String what) {
      Objects.requireNonNull(duration, what);
      if (duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return duration;
    }

    private static ReclaimPolicy known(ReclaimPolicy policy) {
      if (policy == null || policy == ReclaimPolicy.UNKNOWN) {
        throw new IllegalArgumentException("policy must be AUTO, HOLD or DRY_RUN");
      }
      return policy;
    }
  }
}
