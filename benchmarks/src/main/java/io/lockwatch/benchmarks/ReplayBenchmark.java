package io.lockwatch.benchmarks;

import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.KafkaHistory;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.Progress;
import io.lockwatch.devstack.EmbeddedKafka;
import io.lockwatch.events.LockEvent;
import io.lockwatch.schemas.client.BoundedTopicReader;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.serde.AvroSerde;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.state.LockStateMachine;
import io.lockwatch.streams.state.WatchPolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * (r) Replay throughput: {@code lockwatch replay}'s reading, merging, decoding and folding of the
 * whole history, against a plain consumer reading the same topics in the same run (bytes only, and
 * bytes plus Avro decoding). Each is run five times, alternating; the best of each counts.
 *
 * <p>It runs in a JVM of its own, started with the CLI's JVM options ({@code recovery-cli/
 * jvm.options}, as {@code ./lockwatch} does), against the benchmark's broker.
 */
final class ReplayBenchmark {
  private static final int LOCKS = 10_000;

  private ReplayBenchmark() {}

  /** Runs the benchmark in a child JVM with the CLI's options. */
  static void run(EmbeddedKafka kafka, int events) throws Exception {
    String options = System.getProperty("lockwatch.cli.jvmOptions", "../recovery-cli/jvm.options");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "@" + options,
            "-Xmx2g",
            "-cp",
            System.getProperty("java.class.path"),
            ReplayBenchmark.class.getName(),
            kafka.bootstrapServers(),
            Integer.toString(events));
    int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("The replay benchmark's JVM exited with " + exit);
    }
  }

  /** The child JVM: {@code <bootstrap servers> <events>}. */
  public static void main(String[] args) throws Exception {
    String bootstrapServers = args[0];
    int events = Integer.parseInt(args[1]);
    Map<String, Object> client = LockwatchBenchmark.clientConfig(bootstrapServers, "rp");
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    LockwatchBenchmark.createTopics(bootstrapServers, topics);
    LockwatchBenchmark.preload(bootstrapServers, topics, events, LOCKS);
    System.out.printf(
        "%n(r) Replay: %,d lock events over %,d locks; best of 5 alternating runs; JVM options %s%n",
        events, LOCKS, ManagementFactory.getRuntimeMXBean().getInputArguments());
    double plain = 0;
    double decoding = 0;
    double replay = 0;
    long peakHeap = 0;
    for (int round = 0; round < 5; round++) {
      plain = Math.max(plain, plainConsumer(client, topics, events, false));
      decoding = Math.max(decoding, plainConsumer(client, topics, events, true));
      resetPeaks();
      replay = Math.max(replay, replay(client, topics, events));
      peakHeap = Math.max(peakHeap, peakHeapMb());
    }
    System.out.printf("    %-44s %,12.0f ev/s%n", "plain consumer (poll and count)", plain);
    System.out.printf("    %-44s %,12.0f ev/s%n", "plain consumer + Avro decode", decoding);
    System.out.printf(
        "    %-44s %,12.0f ev/s   %.2fx plain, %.2fx decoding consumer%n",
        "replay (read, merge, decode, fold)", replay, replay / plain, replay / decoding);
    System.out.printf("    peak heap in use during a replay round: %,d MB%n", peakHeap);
  }

  private static double plainConsumer(
      Map<String, Object> client, TopicCatalog topics, int events, boolean decode) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    AvroDeserializer<LockEvent> decoder =
        ((AvroSerde<LockEvent>) topics.lockEvents().valueSerde()).avroDeserializer();
    long start = System.nanoTime();
    long count = 0;
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic :
          List.of(
              topics.lockEvents().name(),
              topics.operatorActions().name(),
              topics.alerts().name(),
              topics.reclaimCommands().name())) {
        consumer
            .partitionsFor(topic)
            .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (decode) {
            decoder.decode(record.topic(), record.partition(), record.offset(), record.value());
          }
          count++;
        }
      }
    } finally {
      // The same close as the replay's.
      consumer.close(BoundedTopicReader.CLOSE);
    }
    check(count, events);
    return count / ((System.nanoTime() - start) / 1e9);
  }

  private static double replay(Map<String, Object> client, TopicCatalog topics, int events)
      throws Exception {
    long start = System.nanoTime();
    AtomicLong count = new AtomicLong();
    History history = new KafkaHistory(client, topics, Duration.ofSeconds(30), Progress.NONE);
    Timeline.walk(
        history,
        null,
        null,
        Selection.ALL,
        new HistoryFold(new LockStateMachine(WatchPolicy.builder().missedBeats(3).build())),
        (entry, fold) -> count.incrementAndGet());
    check(count.get(), events);
    return count.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static void check(long count, int events) {
    if (count != events) {
      throw new IllegalStateException("Read " + count + " records, expected " + events);
    }
  }

  private static void resetPeaks() {
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  private static long peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
