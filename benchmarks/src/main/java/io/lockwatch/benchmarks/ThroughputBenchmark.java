package io.lockwatch.benchmarks;

import io.lockwatch.core.WatchPolicy;
import io.lockwatch.devstack.EmbeddedKafka;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.JudgementGate;
import io.lockwatch.streams.LockwatchStreamsConfig;
import io.lockwatch.streams.LockwatchTopology;
import io.lockwatch.streams.WatchdogMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** (a) The Lockwatch topology against a minimal read-modify-write Streams app. */
final class ThroughputBenchmark {

  static void measure(
      EmbeddedKafka kafka, int events, int locks, List<String> guarantees, int rounds)
      throws Exception {
    Map<String, Object> client = BenchmarkSupport.clientConfig(kafka.bootstrapServers(), "tp");
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    BenchmarkSupport.createTopics(kafka.bootstrapServers(), topics);
    long loadStart = System.nanoTime();
    BenchmarkSupport.preload(kafka.bootstrapServers(), topics, events, locks);
    System.out.printf(
        "%n(a) Throughput: %,d events over %,d locks (1 acquire each, then heartbeats), %d partitions; loaded in %.1f s%n",
        events, locks, BenchmarkSupport.PARTITIONS, (System.nanoTime() - loadStart) / 1e9);
    System.out.println(
        "    rate measured over the last two thirds of the events (the first third warms up the JIT)");
    System.out.printf(
        "    %-16s %18s %18s %8s%n", "guarantee", "minimal RMW ev/s", "Lockwatch ev/s", "ratio");
    Map<String, List<Double>> ratios = new java.util.LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String guarantee : guarantees) {
        AtomicLong baselineCount = new AtomicLong();
        double baseline =
            run(
                kafka,
                "bench-rmw-" + guarantee + "-" + UUID.randomUUID(),
                guarantee,
                events,
                minimalReadModifyWrite(topics.lockEvents().name(), baselineCount),
                LockwatchStreamsConfig.PRODUCER_TUNING);
        WatchdogMetrics metrics = new WatchdogMetrics();
        WatchPolicy policy = WatchPolicy.builder().missedBeats(3).build();
        Topology lockwatch =
            LockwatchTopology.build(
                topics,
                policy,
                Duration.ofMillis(250),
                JudgementGate.open(),
                metrics,
                LockwatchStreamsConfig.cacheLockState(guarantee));
        double watchdog =
            run(
                kafka,
                "bench-lockwatch-" + guarantee + "-" + UUID.randomUUID(),
                guarantee,
                events,
                lockwatch,
                LockwatchStreamsConfig.streamsDefaults(topics));
        System.out.printf(
            "    %-16s %,18.0f %,18.0f %8.2f%n",
            guarantee, baseline, watchdog, watchdog / baseline);
        ratios.computeIfAbsent(guarantee, key -> new ArrayList<>()).add(watchdog / baseline);
      }
    }
    if (rounds > 1) {
      ratios.forEach(
          (guarantee, measured) -> {
            List<Double> sorted = measured.stream().sorted().toList();
            System.out.printf(
                "    %-16s median ratio %.2f over %d rounds (%.2f to %.2f)%n",
                guarantee,
                sorted.get(sorted.size() / 2),
                sorted.size(),
                sorted.get(0),
                sorted.get(sorted.size() - 1));
          });
    }
  }

  /**
   * The baseline: per event, read the lock's counter from RocksDB and write it back incremented.
   */
  static Topology minimalReadModifyWrite(String topic, AtomicLong count) {
    Topology topology = new Topology();
    topology.addSource(
        "source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), topic);
    topology.addProcessor(
        "rmw",
        () ->
            new Processor<String, byte[], Void, Void>() {
              private KeyValueStore<String, Long> store;

              @Override
              public void init(ProcessorContext<Void, Void> context) {
                store = context.getStateStore("counts");
              }

              @Override
              public void process(Record<String, byte[]> record) {
                Long current = store.get(record.key());
                store.put(record.key(), current == null ? 1 : current + 1);
                count.incrementAndGet();
              }
            },
        "source");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore("counts"), Serdes.String(), Serdes.Long()),
        "rmw");
    return topology;
  }

  static double run(
      EmbeddedKafka kafka,
      String applicationId,
      String guarantee,
      int events,
      Topology topology,
      Map<String, Object> defaults)
      throws Exception {
    Path stateDir = Files.createTempDirectory("lockwatch-bench-");
    Properties props = new Properties();
    props.putAll(defaults);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L << 20);
    props.put("auto.offset.reset", "earliest");
    System.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith("streams."))
        .forEach(name -> props.put(name.substring("streams.".length()), System.getProperty(name)));
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      // Both apps are timed by Kafka Streams' own count of records their stream thread processed,
      // not by counters of their own (Lockwatch publishes its counts only when a task commits).
      LongSupplier processed = () -> processTotal(streams);
      streams.start();
      long third = events / 3;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (processed.getAsLong() < third) {
        BenchmarkSupport.waitOrFail(deadline, applicationId);
      }
      long start = System.nanoTime();
      long startCount = processed.getAsLong();
      while (processed.getAsLong() < events) {
        BenchmarkSupport.waitOrFail(deadline, applicationId);
      }
      return (processed.getAsLong() - startCount) / ((System.nanoTime() - start) / 1e9);
    }
  }

  static long processTotal(KafkaStreams streams) {
    double total = 0;
    for (var metric : streams.metrics().entrySet()) {
      if (metric.getKey().group().equals("stream-thread-metrics")
          && metric.getKey().name().equals("process-total")
          && metric.getValue().metricValue() instanceof Number count) {
        total += count.doubleValue();
      }
    }
    return (long) total;
  }

  private ThroughputBenchmark() {}
}
