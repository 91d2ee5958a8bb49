package io.lockwatch.streams;

import io.lockwatch.core.Outcome;
import io.lockwatch.core.Transition;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lockwatch's own counters (written by the topology's processors and error handlers, read by the
 * metrics endpoint), shared by all of an instance's tasks: what became of inputs, alerts by reason,
 * reclaims issued, confirmed and rejected, and the detection delay (threshold crossing, plus grace,
 * to reclaim command) as a histogram. Thread-safe; read by the metrics endpoint.
 */
public final class WatchdogMetrics {
  /** Upper bounds of the detection-delay histogram's buckets, in seconds. */
  public static final double[] DELAY_BUCKETS_SECONDS = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
  private final Map<AlertReason, LongAdder> alerts = new EnumMap<>(AlertReason.class);
  private final LongAdder commandsIssued = new LongAdder();
  private final LongAdder reclaimsConfirmed = new LongAdder();
  private final LongAdder reclaimsRejected = new LongAdder();
  private final LongAdder judgementsHeld = new LongAdder();
  private final LongAdder checkFailures = new LongAdder();
  private final LongAdder registryUnavailable = new LongAdder();
  private volatile long registryUnavailableAtMillis = -1;
  private final Map<String, LongAdder> deadLetters = new java.util.concurrent.ConcurrentHashMap<>();
  private final LongAdder[] delayBuckets = new LongAdder[DELAY_BUCKETS_SECONDS.length + 1];
  private final DoubleAdder delaySumSeconds = new DoubleAdder();

  public WatchdogMetrics() {
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(outcome, new LongAdder());
    }
    for (AlertReason reason : AlertReason.values()) {
      alerts.put(reason, new LongAdder());
    }
    for (int i = 0; i < delayBuckets.length; i++) {
      delayBuckets[i] = new LongAdder();
    }
  }

  /** A counter set for one task, published to these metrics when the task commits. */
  public TaskMetrics forTask() {
    return new TaskMetrics();
  }

  /**
   * What one task did since its last commit. Published when the task commits, dropped when its work
   * is thrown away (an aborted transaction is processed again and must not count twice). Used by
   * the task's own thread only.
   */
  public final class TaskMetrics {
    private final long[] outcomeCounts = new long[Outcome.values().length];
    private final long[] alertCounts = new long[AlertReason.values().length];
    private final long[] delayCounts = new long[delayBuckets.length];
    private double delaySum;
    private long commands;
    private long confirmed;
    private long rejected;
    private long failedChecks;
    private boolean dirty;

    public void record(Transition transition) {
      outcomeCounts[transition.outcome().ordinal()]++;
      for (Alert alert : transition.alerts()) {
        recordAlert(alert);
      }
      commands += transition.commands().size();
      transition
          .detectionDelay()
          .ifPresent(
              delay -> {
                double seconds = Math.max(0, delay.toNanos() / 1e9);
                delayCounts[bucketOf(seconds)]++;
                delaySum += seconds;
              });
      dirty = true;
    }

    public void recordAlert(Alert alert) {
      alertCounts[alert.getReason().ordinal()]++;
      if (alert.getReason() == AlertReason.RECLAIM_REJECTED) {
        rejected++;
      }
      dirty = true;
    }

    public void reclaimConfirmed() {
      confirmed++;
      dirty = true;
    }

    public void checkFailed() {
      failedChecks++;
      dirty = true;
    }

    /** The task committed: what it did is now fact. */
    public void publish() {
      if (!dirty) {
        return;
      }
      Outcome[] outcomeValues = Outcome.values();
      for (int i = 0; i < outcomeCounts.length; i++) {
        outcomes.get(outcomeValues[i]).add(outcomeCounts[i]);
      }
      AlertReason[] reasons = AlertReason.values();
      for (int i = 0; i < alertCounts.length; i++) {
        if (alertCounts[i] > 0) {
          alerts.get(reasons[i]).add(alertCounts[i]);
        }
      }
      for (int i = 0; i < delayCounts.length; i++) {
        delayBuckets[i].add(delayCounts[i]);
      }
      delaySumSeconds.add(delaySum);
      commandsIssued.add(commands);
      reclaimsConfirmed.add(confirmed);
      reclaimsRejected.add(rejected);
      checkFailures.add(failedChecks);
      discard();
    }

    /** The task's uncommitted work was thrown away: so is its count. */
    public void discard() {
      java.util.Arrays.fill(outcomeCounts, 0);
      java.util.Arrays.fill(alertCounts, 0);
      java.util.Arrays.fill(delayCounts, 0);
      delaySum = 0;
      commands = 0;
      confirmed = 0;
      rejected = 0;
      failedChecks = 0;
      dirty = false;
    }
  }

  /** Checks that threw and were filed again for a retry. */
  public long checkFailures() {
    return checkFailures.sum();
  }

  public void deadLettered(String reason) {
    deadLetters.computeIfAbsent(reason, key -> new LongAdder()).increment();
  }

  /** Inputs sent to the dead-letter topic, by reason class. */
  public Map<String, Long> deadLetters() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    deadLetters.forEach((reason, count) -> counts.put(reason, count.sum()));
    return counts;
  }

  public void registryUnavailable() {
    registryUnavailable.increment();
    registryUnavailableAtMillis = System.currentTimeMillis();
  }

  /** Records that could not be decoded because the schema registry could not be reached. */
  public long registryUnavailableTotal() {
    return registryUnavailable.sum();
  }

  /** When a record last waited for an unreachable registry (epoch millis), or -1. */
  public long registryUnavailableAtMillis() {
    return registryUnavailableAtMillis;
  }

  public void judgementHeld() {
    judgementsHeld.increment();
  }

  /** Checks skipped because the task had not processed its input to the end. */
  public long judgementsHeld() {
    return judgementsHeld.sum();
  }

  private static int bucketOf(double seconds) {
    int bucket = 0;
    while (bucket < DELAY_BUCKETS_SECONDS.length && seconds > DELAY_BUCKETS_SECONDS[bucket]) {
      bucket++;
    }
    return bucket;
  }

  public long outcomes(Outcome outcome) {
    return outcomes.get(outcome).sum();
  }

  public long alerts(AlertReason reason) {
    return alerts.get(reason).sum();
  }

  public long commandsIssued() {
    return commandsIssued.sum();
  }

  public long reclaimsConfirmed() {
    return reclaimsConfirmed.sum();
  }

  public long reclaimsRejected() {
    return reclaimsRejected.sum();
  }

  /** Counts per delay bucket (the last one is above every bound), not cumulative. */
  public long[] delayBucketCounts() {
    long[] counts = new long[delayBuckets.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = delayBuckets[i].sum();
    }
    return counts;
  }

  public double delaySumSeconds() {
    return delaySumSeconds.sum();
  }
}
