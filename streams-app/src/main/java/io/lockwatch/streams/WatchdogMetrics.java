package io.lockwatch.streams;

import io.lockwatch.core.Outcome;
import io.lockwatch.core.Transition;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.LockStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Lockwatch's own meters (written by the topology's processors and error handlers) in a Micrometer
 * Prometheus registry, shared by all of an instance's tasks: what became of inputs, alerts by
 * reason, reclaims issued and confirmed, and the detection delay (threshold crossing, plus grace,
 * to reclaim command) as a histogram. The app binds Kafka Streams' and the JVM's meters to the same
 * registry; the metrics endpoint scrapes it. Thread-safe.
 */
public final class WatchdogMetrics implements AutoCloseable {
  /** Upper bounds of the detection-delay histogram's buckets, in seconds. */
  public static final double[] DELAY_BUCKETS_SECONDS = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60
  };

  /** Dead-letter reasons always exported, so that a rate over them exists before the first one. */
  private static final List<String> DEAD_LETTER_REASONS =
      List.of("UNDECODABLE", "CONTRACT_VIOLATION", "MISPARTITIONED");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
  private final Map<AlertReason, Counter> alerts = new EnumMap<>(AlertReason.class);
  private final Counter commandsIssued;
  private final Counter reclaimsConfirmed;
  private final Counter judgementsHeld;
  private final Counter checkFailures;
  private final Counter registryUnavailable;
  private final Counter threadsReplaced;
  private volatile long registryUnavailableAtMillis = NEVER;

  /** {@link #registryUnavailableAtMillis()} when the registry never failed. */
  public static final long NEVER = Long.MIN_VALUE;

  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Timer detectionDelay;
  private final MultiGauge locks;
  private final MultiGauge openIncidents;
  private final Timer timeToDetect;
  private final Timer timeToRecover;

  /** Buckets of the incident histograms, in seconds: detection and recovery take seconds. */
  public static final double[] INCIDENT_BUCKETS_SECONDS = {
    0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600
  };

  private KafkaStreamsMetrics kafkaMeters;

  public WatchdogMetrics() {
    for (Outcome outcome : Outcome.values()) {
      outcomes.put(
          outcome,
          Counter.builder("lockwatch.inputs")
              .description("Inputs (events, actions, checks) by what became of them.")
              .tag("outcome", outcome.name())
              .register(registry));
    }
    for (AlertReason reason : AlertReason.values()) {
      if (reason != AlertReason.UNKNOWN) {
        alerts.put(
            reason,
            Counter.builder("lockwatch.alerts")
                .description("Alerts raised, by reason.")
                .tag("reason", reason.name())
                .register(registry));
      }
    }
    commandsIssued =
        Counter.builder("lockwatch.reclaims.issued")
            .description("Reclaim commands issued.")
            .register(registry);
    reclaimsConfirmed =
        Counter.builder("lockwatch.reclaims.confirmed")
            .description("Reclaims confirmed by a trigger.")
            .register(registry);
    judgementsHeld =
        Counter.builder("lockwatch.judgements.held")
            .description("Checks skipped because a task had not processed its input to the end.")
            .register(registry);
    checkFailures =
        Counter.builder("lockwatch.check.failures")
            .description("Lock checks that threw and were filed again for a retry.")
            .register(registry);
    registryUnavailable =
        Counter.builder("lockwatch.registry.unavailable")
            .description(
                "Records that waited because the schema registry could not be reached (never skipped).")
            .register(registry);
    threadsReplaced =
        Counter.builder("lockwatch.stream.threads.replaced")
            .description(
                "Stream threads replaced after Kafka fenced or timed them out (a pause past the"
                    + " session or transaction timeout) or the schema registry could not be"
                    + " reached; the instance kept watching.")
            .register(registry);
    DEAD_LETTER_REASONS.forEach(this::deadLetterCounter);
    // Exported from the start, so that a rate over them exists before the first jump.
    for (io.lockwatch.core.clock.LogClock.JumpKind kind :
        io.lockwatch.core.clock.LogClock.JumpKind.values()) {
      clockJumpCounter(kind);
    }
    detectionDelay =
        Timer.builder("lockwatch.detection.delay")
            .description("From the moment a lock became reclaimable to its reclaim command.")
            .serviceLevelObjectives(
                Arrays.stream(DELAY_BUCKETS_SECONDS)
                    .mapToObj(seconds -> Duration.ofNanos((long) (seconds * 1e9)))
                    .toArray(Duration[]::new))
            .register(registry);
    locks =
        MultiGauge.builder("lockwatch.locks")
            .description("Locks held in this instance's stores, by status.")
            .register(registry);
    locksByStatus(Map.of());
    openIncidents =
        MultiGauge.builder("lockwatch.incidents.open")
            .description(
                "Open incidents of the locks in this instance's stores, by state and severity;"
                    + " 0 once they end.")
            .register(registry);
    openIncidents(Map.of());
    timeToDetect =
        incidentTimer(
            "lockwatch.incident.time.to.detect",
            "Incidents opened: from the last heartbeat's append to the judgement (detection time).");
    timeToRecover =
        incidentTimer(
            "lockwatch.incident.time.to.recover",
            "Incidents ended ALL CLEAR: from the last heartbeat's append to the next holder's"
                + " recovery.");
  }

  /**
   * The registry the metrics endpoint scrapes; the app binds Kafka's and the JVM's meters to it.
   */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Binds Kafka Streams' meters (its clients' included: {@code kafka_stream_thread_process_rate},
   * consumer lag and the rest) and the JVM's (memory, GC, threads, classes, CPU, uptime) to this
   * registry.
   *
   * <p>{@link #close()} unbinds them.
   */
  public void bind(KafkaStreams streams) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams);
    kafka.bindTo(registry);
    kafkaMeters = kafka;
  }

  @Override
  public void close() {
    if (kafkaMeters != null) {
      kafkaMeters.close();
      kafkaMeters = null;
    }
  }

  /** Sets the locks-by-status gauge; statuses not given are 0. */
  public void locksByStatus(Map<LockStatus, Long> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (LockStatus status : LockStatus.values()) {
      if (status != LockStatus.UNKNOWN) {
        rows.add(
            MultiGauge.Row.of(Tags.of("status", status.name()), counts.getOrDefault(status, 0L)));
      }
    }
    locks.register(rows, true);
  }

  private Timer incidentTimer(String name, String description) {
    return Timer.builder(name)
        .description(description)
        .serviceLevelObjectives(
            Arrays.stream(INCIDENT_BUCKETS_SECONDS)
                .mapToObj(seconds -> Duration.ofNanos((long) (seconds * 1e9)))
                .toArray(Duration[]::new))
        .register(registry);
  }

  /**
   * Sets the open-incidents gauge from (state, severity) counts; every state and severity not given
   * is 0, so that a resolved series reads 0 rather than vanishing.
   */
  public void openIncidents(Map<IncidentState, Map<AlertSeverity, Long>> counts) {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (IncidentState state : IncidentState.values()) {
      if (state == IncidentState.UNKNOWN || state == IncidentState.RESOLVED) {
        continue;
      }
      AlertSeverity severity = IncidentRules.severityOf(state);
      long count =
          counts.getOrDefault(state, Map.of()).values().stream().mapToLong(Long::longValue).sum();
      rows.add(
          MultiGauge.Row.of(Tags.of("state", state.name(), "severity", severity.name()), count));
    }
    openIncidents.register(rows, true);
  }

  /** The registry's meters in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
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
    private final List<Duration> delays = new ArrayList<>();
    private final List<Duration> detected = new ArrayList<>();
    private final List<Duration> recovered = new ArrayList<>();
    private long commands;
    private long confirmed;
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
          .ifPresent(delay -> delays.add(delay.isNegative() ? Duration.ZERO : delay));
      for (Incident incident : transition.incidents()) {
        if (incident.getRevision() == 1) {
          detected.add(Duration.ofMillis(incident.getTimeToDetectMs()));
        }
        if (incident.getResolution() == IncidentResolution.ALL_CLEAR
            && incident.getTimeToRecoverMs() != null) {
          recovered.add(Duration.ofMillis(incident.getTimeToRecoverMs()));
        }
      }
      dirty = true;
    }

    public void recordAlert(Alert alert) {
      alertCounts[alert.getReason().ordinal()]++;
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
        if (outcomeCounts[i] > 0) {
          outcomes.get(outcomeValues[i]).increment(outcomeCounts[i]);
        }
      }
      AlertReason[] reasons = AlertReason.values();
      for (int i = 0; i < alertCounts.length; i++) {
        Counter counter = alerts.get(reasons[i]);
        if (alertCounts[i] > 0 && counter != null) {
          counter.increment(alertCounts[i]);
        }
      }
      delays.forEach(detectionDelay::record);
      detected.forEach(timeToDetect::record);
      recovered.forEach(timeToRecover::record);
      commandsIssued.increment(commands);
      reclaimsConfirmed.increment(confirmed);
      checkFailures.increment(failedChecks);
      discard();
    }

    /** The task's uncommitted work was thrown away: so is its count. */
    public void discard() {
      Arrays.fill(outcomeCounts, 0);
      Arrays.fill(alertCounts, 0);
      delays.clear();
      detected.clear();
      recovered.clear();
      commands = 0;
      confirmed = 0;
      failedChecks = 0;
      dirty = false;
    }
  }

  /** Checks that threw and were filed again for a retry. */
  public long checkFailures() {
    return (long) checkFailures.count();
  }

  public void deadLettered(String reason) {
    deadLetterCounter(reason).increment();
  }

  private Counter deadLetterCounter(String reason) {
    return deadLetters.computeIfAbsent(
        reason,
        key ->
            Counter.builder("lockwatch.dead.letters")
                .description("Inputs sent to the dead-letter topic, by reason.")
                .tag("reason", key)
                .register(registry));
  }

  /** Inputs sent to the dead-letter topic, by reason class. */
  public Map<String, Long> deadLetters() {
    Map<String, Long> counts = new TreeMap<>();
    deadLetters.forEach((reason, count) -> counts.put(reason, (long) count.count()));
    return counts;
  }

  public void registryUnavailable() {
    registryUnavailable.increment();
    // Monotonic: how long ago, never when by the host's clock (which may be stepped).
    registryUnavailableAtMillis = System.nanoTime() / 1_000_000;
  }

  private final Map<Integer, double[]> clockOffsets = new ConcurrentHashMap<>();
  private final Counter ticksFailed =
      Counter.builder("lockwatch.clock.ticks.failed")
          .description("Ticks this instance could not write to an input partition.")
          .register(registry);

  /**
   * What this instance's ticker measures: {@code lockwatch_clock_offset_seconds{partition}}, this
   * instance's clock minus the partition leader's (with its uncertainty), host clock jumps, and
   * failed ticks.
   */
  public io.lockwatch.streams.internals.PartitionTicker.Readings clockReadings() {
    return new io.lockwatch.streams.internals.PartitionTicker.Readings() {
      @Override
      public void offset(int partition, long offsetMs, long uncertaintyMs) {
        double[] reading =
            clockOffsets.computeIfAbsent(
                partition,
                p -> {
                  double[] fresh = {Double.NaN, Double.NaN};
                  Gauge.builder("lockwatch.clock.offset", fresh, r -> r[0])
                      .description(
                          "This instance's clock minus the input partition leader's, measured by"
                              + " each tick (NaN: not ticked here); judgement does not use it.")
                      .baseUnit("seconds")
                      .tag("partition", Integer.toString(p))
                      .register(registry);
                  Gauge.builder("lockwatch.clock.offset.uncertainty", fresh, r -> r[1])
                      .description("Half the tick's round trip: how far off the offset may be.")
                      .baseUnit("seconds")
                      .tag("partition", Integer.toString(p))
                      .register(registry);
                  return fresh;
                });
        reading[0] = offsetMs / 1000.0;
        reading[1] = uncertaintyMs / 1000.0;
      }

      @Override
      public void forget(int partition) {
        double[] reading = clockOffsets.get(partition);
        if (reading != null) {
          reading[0] = Double.NaN;
          reading[1] = Double.NaN;
        }
      }

      @Override
      public void hostClockJumped(long jumpMs) {
        clockJump(io.lockwatch.core.clock.LogClock.JumpKind.HOST);
      }

      @Override
      public void tickFailed() {
        ticksFailed.increment();
      }
    };
  }

  /** The last measured offset of this instance's clock against a partition leader's, seconds. */
  public double clockOffsetSeconds(int partition) {
    double[] reading = clockOffsets.get(partition);
    return reading == null ? Double.NaN : reading[0];
  }

  /** A jump of a clock, seen on an input partition's log (or reported by a ticker). */
  public void clockJump(io.lockwatch.core.clock.LogClock.JumpKind kind) {
    clockJumpCounter(kind).increment();
  }

  private Counter clockJumpCounter(io.lockwatch.core.clock.LogClock.JumpKind kind) {
    return Counter.builder("lockwatch.clock.jumps")
        .description(
            "Clock jumps seen: HOST (an instance's own clock; judgement does not use it), LOG_AHEAD,"
                + " LOG_BEHIND, LOG_BLIND (an input partition's log clock).")
        .tag("clock", kind.name())
        .register(registry);
  }

  /** Clock jumps of this kind seen so far. */
  public long clockJumps(io.lockwatch.core.clock.LogClock.JumpKind kind) {
    Counter counter = registry.find("lockwatch.clock.jumps").tag("clock", kind.name()).counter();
    return counter == null ? 0 : (long) counter.count();
  }

  public void streamThreadReplaced() {
    threadsReplaced.increment();
  }

  /** Stream threads replaced after a fencing or a timeout. */
  public long streamThreadsReplaced() {
    return (long) threadsReplaced.count();
  }

  /** Records that could not be decoded because the schema registry could not be reached. */
  public long registryUnavailableTotal() {
    return (long) registryUnavailable.count();
  }

  /**
   * {@code lockwatch_ready}: 1 while the instance answers 200 on {@code /health/ready}, else 0, so
   * an alert can tell "up but not judging" from "down".
   */
  public void readiness(BooleanSupplier ready) {
    Gauge.builder("lockwatch.ready", () -> ready.getAsBoolean() ? 1 : 0)
        .description("1 while the instance is ready (Kafka Streams RUNNING, registry reachable).")
        .register(registry);
  }

  /**
   * When a record last waited for an unreachable registry, on the monotonic clock ({@code
   * System.nanoTime()} in milliseconds: for ages only), or {@link #NEVER}.
   */
  public long registryUnavailableAtMillis() {
    return registryUnavailableAtMillis;
  }

  public void judgementHeld() {
    judgementsHeld.increment();
  }

  /** Checks skipped because the task had not processed its input to the end. */
  public long judgementsHeld() {
    return (long) judgementsHeld.count();
  }

  public long outcomes(Outcome outcome) {
    return (long) outcomes.get(outcome).count();
  }

  public long alerts(AlertReason reason) {
    Counter counter = alerts.get(reason);
    return counter == null ? 0 : (long) counter.count();
  }

  public long commandsIssued() {
    return (long) commandsIssued.count();
  }

  public long reclaimsConfirmed() {
    return (long) reclaimsConfirmed.count();
  }

  /** Reclaims rejected by a trigger: the RECLAIM_REJECTED alerts. */
  public long reclaimsRejected() {
    return alerts(AlertReason.RECLAIM_REJECTED);
  }

  /** Reclaim commands issued for a frozen heartbeat, with their detection delay. */
  public long delayCount() {
    return detectionDelay.count();
  }

  public double delaySumSeconds() {
    return detectionDelay.totalTime(java.util.concurrent.TimeUnit.SECONDS);
  }
}
