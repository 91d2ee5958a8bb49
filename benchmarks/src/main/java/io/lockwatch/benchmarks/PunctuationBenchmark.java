package io.lockwatch.benchmarks;

import io.lockwatch.core.WatchPolicy;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.registry.SchemaRegistries;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.JudgementGate;
import io.lockwatch.streams.LockwatchStreamsConfig;
import io.lockwatch.streams.LockwatchTopology;
import io.lockwatch.streams.WatchdogMetrics;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** (b) Punctuation time per tick at growing numbers of live locks. */
final class PunctuationBenchmark {

  static void measure(List<Integer> sizes) throws Exception {
    int expiriesPerTick = 100;
    int ticks = 40;
    Duration tick = Duration.ofMillis(250);
    System.out.printf(
        "%n(b) Punctuation per tick, %d locks expiring per tick (each: stale alert + command + state), %d ticks measured, RocksDB stores%n",
        expiriesPerTick, ticks);
    System.out.printf(
        "    %12s %14s %14s %14s%n", "live locks", "median ms", "p90 ms", "vs smallest");
    double smallest = -1;
    for (int size : sizes) {
      String scope = "bench-punctuation-" + UUID.randomUUID();
      TopicCatalog topics =
          TopicCatalog.fromConfig(Map.of("schema.registry.url", "mock://" + scope));
      WatchPolicy policy =
          WatchPolicy.builder()
              .defaultThreshold(Duration.ofHours(1))
              .thresholdOverride("expiring-*", Duration.ofSeconds(1))
              .build();
      Properties props = new Properties();
      props.putAll(LockwatchStreamsConfig.streamsDefaults(topics));
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-punctuation");
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
      props.put(
          StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("lockwatch-bench-").toString());
      Instant start = Instant.parse("2026-11-23T03:00:00Z");
      Topology topology =
          LockwatchTopology.build(
              topics, policy, tick, JudgementGate.open(), new WatchdogMetrics(), false);
      try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, start)) {
        TestInputTopic<String, LockEvent> input =
            driver.createInputTopic(
                topics.lockEvents().name(),
                new StringSerializer(),
                topics.lockEvents().valueSerde().serializer());
        for (int lock = 0; lock < size; lock++) {
          input.pipeInput(
              BenchmarkSupport.lockId(lock), acquire(BenchmarkSupport.lockId(lock), start), start);
        }
        List<Double> millis = new ArrayList<>();
        Instant now = start;
        for (int t = 0; t < ticks + 4; t++) {
          for (int e = 0; e < expiriesPerTick; e++) {
            String id = "expiring-" + t + "-" + e;
            input.pipeInput(id, acquire(id, now), now);
          }
          long begin = System.nanoTime();
          driver.advanceWallClockTime(tick);
          double elapsed = (System.nanoTime() - begin) / 1e6;
          now = now.plus(tick);
          if (t >= 4) {
            millis.add(elapsed);
          }
        }
        Collections.sort(millis);
        double median = millis.get(millis.size() / 2);
        if (smallest < 0) {
          smallest = median;
        }
        System.out.printf(
            "    %,12d %14.2f %14.2f %13.2fx%n",
            size, median, millis.get((int) (millis.size() * 0.9)), median / smallest);
      } finally {
        SchemaRegistries.dropInMemoryScope(scope);
      }
    }
  }

  static LockEvent acquire(String lockId, Instant at) {
    return LockEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setLockId(lockId)
        .setType(LockEventType.ACQUIRED)
        .setFencingToken(1)
        .setHolder(BenchmarkSupport.HOLDER)
        .setOccurredAt(at)
        .setSequence(0)
        .build();
  }

  private PunctuationBenchmark() {}
}
