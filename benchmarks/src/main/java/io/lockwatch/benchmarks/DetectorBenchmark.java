package io.lockwatch.benchmarks;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Transition;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.core.detect.Detector;
import io.lockwatch.core.fold.InMemoryCheckSchedule;
import io.lockwatch.core.fold.LockFold;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.ReclaimCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * (d) Detectors side by side: holders with realistic rhythms (steady, jittered, bursty after GC
 * pauses, and truly frozen) are folded through Lockwatch's own rules ({@link LockFold}, checks
 * every 250 ms, as the app runs them) once per detector, on the same simulated timeline. It
 * reports, per rhythm, the share of live holders that got a reclaim command (a false reclaim, which
 * only the trigger's sequence check stops) and, for the frozen ones, the time from their last
 * heartbeat to the command (p50/p99).
 *
 * <p>A simulation on Lockwatch's clock (the broker's append time), not a run on a broker: the rules
 * and the fold are the app's; what a broker would add is the same to every detector.
 */
final class DetectorBenchmark {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration CHECK_EVERY = Duration.ofMillis(250);
  private static final Instant START = Instant.parse("2026-11-23T03:00:00Z");

  enum Rhythm {
    /** Every interval, ±2%, plus up to 20 ms of network delay. */
    STEADY,
    /** Log-normally spread around the interval (sigma 0.45): now and then 3-4 intervals. */
    JITTERED,
    /** Steady, with a 2.5-4.5 interval stop-the-world pause at 1% of the beats. */
    BURSTY,
    /** Steady, then stops for good at a random time. */
    FROZEN
  }

  private record Beat(Instant at, int holder, LockEventType type, long sequence) {}

  /**
   * Per rhythm: live holders judged stale per holder-hour (each a reclaim command for a fresh
   * token; a holding gets one command at most, later judgements of it only alert), and the share of
   * live holders that got a command; for the frozen: last heartbeat to command.
   */
  private record Result(
      double[] falseStalePerHour,
      double[] falseCommandShare,
      long frozenP50,
      long frozenP99,
      long frozenMax) {}

  private DetectorBenchmark() {}

  static void measure(int holdersPerRhythm, Duration length, long seed) {
    System.out.printf(
        "%n(d) Detectors: %d holders per rhythm, heartbeat every %d ms, %d s, checks every %d ms%n",
        holdersPerRhythm, INTERVAL.toMillis(), length.toSeconds(), CHECK_EVERY.toMillis());
    List<Beat> timeline = new ArrayList<>();
    Rhythm[] rhythms = new Rhythm[holdersPerRhythm * Rhythm.values().length];
    Random random = new Random(seed);
    for (Rhythm rhythm : Rhythm.values()) {
      for (int i = 0; i < holdersPerRhythm; i++) {
        int holder = rhythm.ordinal() * holdersPerRhythm + i;
        rhythms[holder] = rhythm;
        beats(holder, rhythm, length, random, timeline);
      }
    }
    timeline.sort((a, b) -> a.at().compareTo(b.at()));
    Map<String, WatchPolicy> detectors = new java.util.LinkedHashMap<>();
    detectors.put("fixed, 3 beats (default)", WatchPolicy.builder().missedBeats(3).build());
    detectors.put("fixed, 5 beats", WatchPolicy.builder().missedBeats(5).build());
    detectors.put("accrual, defaults (floor 2, ceiling 3)", accrual(3));
    detectors.put("accrual, ceiling 5", accrual(5));
    System.out.printf(
        "    | detector | live holders judged stale, per holder-hour: steady / jittered /"
            + " bursty | live holders that got a command: steady / jittered / bursty | frozen:"
            + " last heartbeat to command p50 / p99 / max |%n");
    for (Map.Entry<String, WatchPolicy> detector : detectors.entrySet()) {
      Result result = simulate(detector.getValue(), timeline, rhythms, holdersPerRhythm, length);
      System.out.printf(
          "    | %s | %.2f / %.2f / %.2f | %.1f%% / %.1f%% / %.1f%% | %.2f s / %.2f s / %.2f s |%n",
          detector.getKey(),
          result.falseStalePerHour()[Rhythm.STEADY.ordinal()],
          result.falseStalePerHour()[Rhythm.JITTERED.ordinal()],
          result.falseStalePerHour()[Rhythm.BURSTY.ordinal()],
          100 * result.falseCommandShare()[Rhythm.STEADY.ordinal()],
          100 * result.falseCommandShare()[Rhythm.JITTERED.ordinal()],
          100 * result.falseCommandShare()[Rhythm.BURSTY.ordinal()],
          result.frozenP50() / 1000.0,
          result.frozenP99() / 1000.0,
          result.frozenMax() / 1000.0);
    }
  }

  /** The accrual detector with its default settings but the ceiling. */
  private static WatchPolicy accrual(double ceilingBeats) {
    return WatchPolicy.builder()
        .missedBeats(3)
        .defaultDetector(Detector.ACCRUAL)
        .ceilingBeats(ceilingBeats)
        .build();
  }

  /** One holder's acquire and heartbeats, as Lockwatch observes them. */
  private static void beats(
      int holder, Rhythm rhythm, Duration length, Random random, List<Beat> timeline) {
    long interval = INTERVAL.toMillis();
    long end = length.toMillis();
    long stopAt = rhythm == Rhythm.FROZEN ? end / 4 + (long) (random.nextDouble() * end / 2) : end;
    long t = (long) (random.nextDouble() * interval);
    timeline.add(new Beat(START.plusMillis(t), holder, LockEventType.ACQUIRED, 0));
    long sequence = 0;
    while (true) {
      double gap =
          switch (rhythm) {
            case STEADY, FROZEN -> interval * (1 + 0.02 * random.nextGaussian());
            case JITTERED -> interval * Math.exp(0.45 * random.nextGaussian() - 0.1);
            case BURSTY ->
                random.nextDouble() < 0.01
                    ? interval * (2.5 + 2 * random.nextDouble())
                    : interval * (1 + 0.02 * random.nextGaussian());
          };
      t += Math.max(1, (long) gap);
      if (t >= stopAt) {
        return;
      }
      long observed = t + (long) (random.nextDouble() * 20);
      timeline.add(
          new Beat(START.plusMillis(observed), holder, LockEventType.HEARTBEAT, ++sequence));
    }
  }

  private static Result simulate(
      WatchPolicy policy,
      List<Beat> timeline,
      Rhythm[] rhythms,
      int holdersPerRhythm,
      Duration length) {
    Map<String, LockState> states = new HashMap<>();
    Map<String, ReclaimCommand> commands = new HashMap<>();
    Map<String, List<Instant>> staleAt = new HashMap<>();
    LockFold fold =
        new LockFold(
            new LockStateMachine(policy),
            LockFold.LockStates.of(states::get, states::put),
            new InMemoryCheckSchedule(),
            Duration.ofSeconds(1),
            (lockId, before, transition, now) ->
                record(lockId, transition, now, commands, staleAt));
    Map<Integer, Instant> lastBeat = new HashMap<>();
    Instant nextCheck = START.plus(CHECK_EVERY);
    PriorityQueue<Beat> queue = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
    queue.addAll(timeline);
    Instant end = timeline.get(timeline.size() - 1).at().plus(INTERVAL.multipliedBy(10));
    while (!queue.isEmpty() || !nextCheck.isAfter(end)) {
      Beat beat = queue.peek();
      if (beat == null || nextCheck.isBefore(beat.at())) {
        fold.runDueChecks(nextCheck, Integer.MAX_VALUE);
        nextCheck = nextCheck.plus(CHECK_EVERY);
        continue;
      }
      queue.poll();
      String lockId = "lock-" + beat.holder();
      fold.onEvent(lockId, event(lockId, beat), beat.at());
      lastBeat.put(beat.holder(), beat.at());
    }
    EnumMap<Rhythm, Integer> falsely = new EnumMap<>(Rhythm.class);
    EnumMap<Rhythm, Integer> falseStale = new EnumMap<>(Rhythm.class);
    List<Long> frozenDelays = new ArrayList<>();
    for (int holder = 0; holder < rhythms.length; holder++) {
      ReclaimCommand command = commands.get("lock-" + holder);
      if (rhythms[holder] == Rhythm.FROZEN) {
        if (command != null) {
          frozenDelays.add(
              Duration.between(lastBeat.get(holder), command.getIssuedAt()).toMillis());
        }
      } else {
        // Judged while the holder was still beating (not after the run's end).
        Instant alive = lastBeat.get(holder);
        if (command != null && command.getIssuedAt().isBefore(alive)) {
          falsely.merge(rhythms[holder], 1, Integer::sum);
        }
        for (Instant at : staleAt.getOrDefault("lock-" + holder, List.of())) {
          if (at.isBefore(alive)) {
            falseStale.merge(rhythms[holder], 1, Integer::sum);
          }
        }
      }
    }
    Collections.sort(frozenDelays);
    double[] shares = new double[Rhythm.values().length];
    double[] perHour = new double[Rhythm.values().length];
    double holderHours = holdersPerRhythm * length.toSeconds() / 3600.0;
    for (Rhythm rhythm : Rhythm.values()) {
      shares[rhythm.ordinal()] = falsely.getOrDefault(rhythm, 0) / (double) holdersPerRhythm;
      perHour[rhythm.ordinal()] = falseStale.getOrDefault(rhythm, 0) / holderHours;
    }
    if (frozenDelays.size() != holdersPerRhythm) {
      throw new IllegalStateException(
          "only " + frozenDelays.size() + " of " + holdersPerRhythm + " frozen holders found");
    }
    return new Result(
        perHour,
        shares,
        percentile(frozenDelays, 50),
        percentile(frozenDelays, 99),
        frozenDelays.get(frozenDelays.size() - 1));
  }

  private static void record(
      String lockId,
      Transition transition,
      Instant now,
      Map<String, ReclaimCommand> commands,
      Map<String, List<Instant>> staleAt) {
    for (ReclaimCommand command : transition.commands()) {
      commands.putIfAbsent(command.getLockId(), command);
    }
    for (Alert alert : transition.alerts()) {
      if (alert.getReason() == AlertReason.STALE_LOCK_DETECTED) {
        staleAt.computeIfAbsent(lockId, id -> new ArrayList<>()).add(now);
      }
    }
  }

  private static final HolderIdentity HOLDER =
      HolderIdentity.newBuilder()
          .setNodeId("node")
          .setHost("node.fleet")
          .setPid(1)
          .setIncarnation("sim")
          .build();

  private static LockEvent event(String lockId, Beat beat) {
    LockEvent.Builder event =
        LockEvent.newBuilder()
            .setEventId(lockId + "/" + beat.sequence())
            .setLockId(lockId)
            .setType(beat.type())
            .setFencingToken(1)
            .setHolder(HOLDER)
            .setOccurredAt(beat.at())
            .setSequence(beat.sequence());
    if (beat.type() == LockEventType.ACQUIRED) {
      event.setHeartbeatIntervalMs(INTERVAL.toMillis());
    }
    return event.build();
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
