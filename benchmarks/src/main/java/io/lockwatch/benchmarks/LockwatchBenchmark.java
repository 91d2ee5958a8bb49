package io.lockwatch.benchmarks;

import io.lockwatch.core.WatchPolicy;
import io.lockwatch.devstack.EmbeddedKafka;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.client.BoundedTopicReader;
import io.lockwatch.schemas.registry.SchemaRegistries;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.JudgementGate;
import io.lockwatch.streams.LockwatchStreamsConfig;
import io.lockwatch.streams.LockwatchTopology;
import io.lockwatch.streams.WatchdogMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

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
 * replayEvents=1000000 guarantees=exactly_once_v2,at_least_once}.
 */
public final class LockwatchBenchmark {
  private static final HolderIdentity HOLDER =
      HolderIdentity.newBuilder()
          .setNodeId("node-1")
          .setHost("node-1.fleet.local")
          .setPid(1)
          .setIncarnation("bench")
          .build();
  private static final int PARTITIONS = 6;

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
                "1"));
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
        throughput(
            kafka,
            events,
            locks,
            List.of(options.get("guarantees").split(",")),
            Integer.parseInt(options.get("rounds")));
      }
      if (only.contains("c")) {
        detectionDelay(kafka);
      }
      if (only.contains("r")) {
        ReplayBenchmark.run(kafka, Integer.parseInt(options.get("replayEvents")));
      }
    }
    if (!only.contains("b")) {
      return;
    }
    List<Integer> sizes = new ArrayList<>();
    for (String size : options.get("sizes").split(",")) {
      sizes.add(Integer.parseInt(size));
    }
    punctuation(sizes);
  }

  // ---------------------------------------------------------------- (a) throughput

  private static void throughput(
      EmbeddedKafka kafka, int events, int locks, List<String> guarantees, int rounds)
      throws Exception {
    Map<String, Object> client = clientConfig(kafka.bootstrapServers(), "tp");
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    createTopics(kafka.bootstrapServers(), topics);
    long loadStart = System.nanoTime();
    preload(kafka.bootstrapServers(), topics, events, locks);
    System.out.printf(
        "%n(a) Throughput: %,d events over %,d locks (1 acquire each, then heartbeats), %d partitions; loaded in %.1f s%n",
        events, locks, PARTITIONS, (System.nanoTime() - loadStart) / 1e9);
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
  private static Topology minimalReadModifyWrite(String topic, AtomicLong count) {
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

  private static double run(
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
        waitOrFail(deadline, applicationId);
      }
      long start = System.nanoTime();
      long startCount = processed.getAsLong();
      while (processed.getAsLong() < events) {
        waitOrFail(deadline, applicationId);
      }
      return (processed.getAsLong() - startCount) / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static long processTotal(KafkaStreams streams) {
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

  private static void waitOrFail(long deadline, String what) throws InterruptedException {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException(what + " did not finish within 10 minutes");
    }
    Thread.sleep(5);
  }

  static void preload(String bootstrapServers, TopicCatalog topics, int events, int locks)
      throws Exception {
    var serializer = topics.lockEvents().valueSerde().serializer();
    long[] sequences = new long[locks];
    Instant now = Instant.now();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            producerConfig(bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < events; i++) {
        int lock = i % locks;
        boolean acquire = i < locks;
        LockEvent event =
            LockEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setLockId(lockId(lock))
                .setType(acquire ? LockEventType.ACQUIRED : LockEventType.HEARTBEAT)
                .setFencingToken(1)
                .setHolder(HOLDER)
                .setOccurredAt(now)
                .setSequence(acquire ? 0 : ++sequences[lock])
                .setHeartbeatIntervalMs(acquire ? 10_000L : null)
                .build();
        producer.send(
            new ProducerRecord<>(
                topics.lockEvents().name(),
                event.getLockId(),
                serializer.serialize(topics.lockEvents().name(), event)));
      }
      producer.flush();
    }
  }

  // ---------------------------------------------------------------- (c) detection delay

  private static void detectionDelay(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> client = clientConfig(kafka.bootstrapServers(), "dd");
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    createTopics(kafka.bootstrapServers(), topics);
    WatchdogMetrics metrics = new WatchdogMetrics();
    Topology topology =
        LockwatchTopology.build(
            topics,
            WatchPolicy.builder().missedBeats(3).build(),
            Duration.ofMillis(250),
            JudgementGate.open(),
            metrics,
            false);
    Properties props = new Properties();
    props.putAll(LockwatchStreamsConfig.streamsDefaults(topics));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-delay-" + UUID.randomUUID());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(
        StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("lockwatch-bench-").toString());
    int live = 5_000;
    int victims = 200;
    Duration victimInterval = Duration.ofMillis(200);
    var serializer = topics.lockEvents().valueSerde().serializer();
    try (KafkaStreams streams = new KafkaStreams(topology, props);
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                producerConfig(kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      streams.start();
      while (streams.state() != KafkaStreams.State.RUNNING) {
        Thread.sleep(50);
      }
      long[] sequences = new long[live + victims];
      long stopAt = System.nanoTime() + Duration.ofSeconds(25).toNanos();
      long[] victimStop = new long[victims];
      for (int v = 0; v < victims; v++) {
        // Victims freeze one after another over 20 s, at times unrelated to the check ticks.
        victimStop[v] =
            System.nanoTime() + Duration.ofMillis(2_000 + v * 90L + (v * 37L % 250)).toNanos();
      }
      for (int lock = 0; lock < live + victims; lock++) {
        boolean victim = lock >= live;
        send(
            producer,
            topics,
            serializer,
            "dd-" + lock,
            LockEventType.ACQUIRED,
            0,
            victim ? victimInterval.toMillis() : 1_000L);
      }
      long nextLiveRound = System.nanoTime();
      while (System.nanoTime() < stopAt) {
        long now = System.nanoTime();
        if (now >= nextLiveRound) {
          for (int lock = 0; lock < live; lock++) {
            send(
                producer,
                topics,
                serializer,
                "dd-" + lock,
                LockEventType.HEARTBEAT,
                ++sequences[lock],
                null);
          }
          nextLiveRound += TimeUnit.SECONDS.toNanos(1);
        }
        for (int v = 0; v < victims; v++) {
          if (now < victimStop[v]) {
            send(
                producer,
                topics,
                serializer,
                "dd-" + (live + v),
                LockEventType.HEARTBEAT,
                ++sequences[live + v],
                null);
          }
        }
        producer.flush();
        Thread.sleep(victimInterval.toMillis());
      }
      Thread.sleep(2_000);
      AvroDeserializer<ReclaimCommand> commands =
          AvroDeserializer.forType(ReclaimCommand.class, topics.registry());
      List<Long> delays = new ArrayList<>();
      int liveReclaimed = 0;
      for (ConsumerRecord<byte[], byte[]> record :
          BoundedTopicReader.readAll(
              client, topics.reclaimCommands().name(), Duration.ofSeconds(30))) {
        ReclaimCommand command = commands.deserialize(record.topic(), record.value());
        int lock = Integer.parseInt(command.getLockId().substring(3));
        if (lock < live) {
          liveReclaimed++;
          continue;
        }
        delays.add(
            Duration.between(
                    command.getLastHeartbeatObservedAt().plusMillis(command.getThresholdMs()),
                    command.getIssuedAt())
                .toMillis());
      }
      Collections.sort(delays);
      System.out.printf(
          "%n(c) Detection delay: %d of %d frozen locks reclaimed while %,d locks heartbeat every 1 s (%,d events/s); check interval 250 ms, exactly_once_v2%n",
          delays.size(), victims, live, live);
      System.out.printf(
          "    threshold crossing -> reclaim command: p50 %d ms, p99 %d ms, max %d ms; live locks wrongly reclaimed: %d%n",
          percentile(delays, 50),
          percentile(delays, 99),
          delays.isEmpty() ? -1 : delays.get(delays.size() - 1),
          liveReclaimed);
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> producer,
      TopicCatalog topics,
      org.apache.kafka.common.serialization.Serializer<LockEvent> serializer,
      String lockId,
      LockEventType type,
      long sequence,
      Long interval) {
    LockEvent event =
        LockEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setLockId(lockId)
            .setType(type)
            .setFencingToken(1)
            .setHolder(HOLDER)
            .setOccurredAt(Instant.now())
            .setSequence(sequence)
            .setHeartbeatIntervalMs(interval)
            .build();
    producer.send(
        new ProducerRecord<>(
            topics.lockEvents().name(),
            lockId,
            serializer.serialize(topics.lockEvents().name(), event)));
  }

  private static long percentile(List<Long> sorted, int percentile) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  // ---------------------------------------------------------------- (b) punctuation scaling

  private static void punctuation(List<Integer> sizes) throws Exception {
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
          input.pipeInput(lockId(lock), acquire(lockId(lock), start), start);
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

  private static LockEvent acquire(String lockId, Instant at) {
    return LockEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setLockId(lockId)
        .setType(LockEventType.ACQUIRED)
        .setFencingToken(1)
        .setHolder(HOLDER)
        .setOccurredAt(at)
        .setSequence(0)
        .build();
  }

  // ---------------------------------------------------------------- helpers

  static Map<String, Object> clientConfig(String bootstrapServers, String prefix) {
    Map<String, Object> client = new HashMap<>();
    client.put("bootstrap.servers", bootstrapServers);
    // An in-memory registry: the serdes cache ids after the first record, so a real one would
    // change nothing but start-up; the benchmark measures the topology.
    client.put("schema.registry.url", "mock://bench-" + prefix);
    client.putAll(TopicCatalog.namedWithPrefix("bench-" + prefix));
    return client;
  }

  static void createTopics(String bootstrapServers, TopicCatalog topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      admin
          .createTopics(topics.newTopics(PARTITIONS, java.util.Optional.empty()))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static Map<String, Object> producerConfig(String bootstrapServers) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers,
        ProducerConfig.ACKS_CONFIG,
        "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        true,
        ProducerConfig.LINGER_MS_CONFIG,
        5,
        ProducerConfig.BATCH_SIZE_CONFIG,
        65_536,
        ProducerConfig.COMPRESSION_TYPE_CONFIG,
        "lz4");
  }

  private static String lockId(int lock) {
    return String.format("lock-%019d", lock);
  }
}
