package io.lockwatch.benchmarks;

import io.lockwatch.devstack.EmbeddedKafka;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lockwatch's benchmarks, each reported as a ratio or distribution measured in this one run, on the
 * embedded broker (the machine is shared and noisy: absolute figures across runs mean little).
 *
 * <ol>
 *   <li>Throughput: the Lockwatch topology against a minimal read-modify-write Streams app on the
 *       same heartbeat-heavy topic, under the same processing guarantee. Target: at least 0.8x.
 *   <li>Punctuation time per tick at 10k, 100k and 1M live locks, with a fixed number of locks
 *       expiring per tick. Target: flat.
 *   <li>Detection delay (threshold crossing to reclaim command) under background heartbeat load.
 *       Target: p99 at most 1 s.
 * </ol>
 *
 * <p>Arguments: {@code events=3000000 locks=100000 sizes=10000,100000,1000000 only=abcr
 * replayEvents=1000000 guarantees=exactly_once_v2,at_least_once}; {@code only=s scaleLocks=1000000
 * scaleVictims=150 scaleSteadySeconds=60 scaleThreads=1 scaleProfile=false} runs the scale
 * benchmark, and {@code only=d detectorHolders=1000 detectorSeconds=600} the detectors side by side
 * (neither is in the default set).
 */
public final class LockwatchBenchmark {
  private LockwatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options =
        new HashMap<>(
            Map.of(
                "events",
                "3000000",
                "locks",
                "100000",
                "sizes",
                "10000,100000,1000000",
                "only",
                "abcr",
                "replayEvents",
                "1000000",
                "guarantees",
                "exactly_once_v2,at_least_once",
                "rounds",
                "1",
                "scaleLocks",
                "1000000",
                "scaleVictims",
                "150",
                "scaleSteadySeconds",
                "60"));
    options.put("scaleThreads", "1");
    options.put("scaleProfile", "false");
    options.put("detectorHolders", "1000");
    options.put("detectorSeconds", "600");
    for (String arg : args) {
      String[] pair = arg.split("=", 2);
      options.put(pair[0], pair[1]);
    }
    int events = Integer.parseInt(options.get("events"));
    int locks = Integer.parseInt(options.get("locks"));
    System.out.printf(
        "Lockwatch benchmarks on %d cores, %d MB heap%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    String only = options.get("only");
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().build().start()) {
      if (only.contains("a")) {
        ThroughputBenchmark.measure(
            kafka,
            events,
            locks,
            List.of(options.get("guarantees").split(",")),
            Integer.parseInt(options.get("rounds")));
      }
      if (only.contains("c")) {
        DetectionDelayBenchmark.measure(kafka);
      }
      if (only.contains("r")) {
        ReplayBenchmark.run(kafka, Integer.parseInt(options.get("replayEvents")));
      }
    }
    if (only.contains("d")) {
      DetectorBenchmark.measure(
          Integer.parseInt(options.get("detectorHolders")),
          java.time.Duration.ofSeconds(Long.parseLong(options.get("detectorSeconds"))),
          42);
    }
    if (only.contains("s")) {
      ScaleBenchmark.measure(
          Integer.parseInt(options.get("scaleLocks")),
          Integer.parseInt(options.get("scaleVictims")),
          java.time.Duration.ofSeconds(Long.parseLong(options.get("scaleSteadySeconds"))),
          Integer.parseInt(options.get("scaleThreads")),
          Boolean.parseBoolean(options.get("scaleProfile")));
    }
    if (!only.contains("b")) {
      return;
    }
    List<Integer> sizes = new ArrayList<>();
    for (String size : options.get("sizes").split(",")) {
      sizes.add(Integer.parseInt(size));
    }
    PunctuationBenchmark.measure(sizes);
  }
}
