package io.lockwatch.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.KafkaHistory;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.Progress;
import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.devstack.EmbeddedKafka;
import io.lockwatch.events.LockEvent;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.serde.AvroSerde;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * (r) Replay throughput: {@code lockwatch replay}'s reading, merging, decoding and folding of the
 * whole history, against a plain consumer reading the same topics in the same run (bytes only, and
 * bytes plus Avro decoding). Each is run five times, alternating; the best of each counts, by rate
 * and by CPU time per event.
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
    Map<String, Object> client = BenchmarkSupport.clientConfig(bootstrapServers, "rp");
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    BenchmarkSupport.createTopics(bootstrapServers, topics);
    BenchmarkSupport.preload(bootstrapServers, topics, events, LOCKS);
    System.out.printf(
        "%n(r) Replay: %,d lock events over %,d locks; best of 5 alternating runs; JVM options %s%n",
        events, LOCKS, ManagementFactory.getRuntimeMXBean().getInputArguments());
    Best plain = new Best();
    Best decoding = new Best();
    Best replay = new Best();
    long peakHeap = 0;
    for (int round = 0; round < 5; round++) {
      plain.time(() -> plainConsumer(client, topics, events, false));
      decoding.time(() -> plainConsumer(client, topics, events, true));
      resetPeaks();
      replay.time(() -> replay(client, topics, events));
      peakHeap = Math.max(peakHeap, peakHeapMb());
    }
    System.out.printf("    %-44s %12s %18s%n", "", "events/s", "CPU ns per event");
    plain.print("plain consumer (poll and count)");
    decoding.print("plain consumer + Avro decode");
    replay.print("replay (read, merge, decode, fold)");
    System.out.printf(
        "    replay: %.2fx plain, %.2fx decoding consumer; CPU per event %.2fx plain, %.2fx"
            + " decoding%n",
        replay.rate / plain.rate,
        replay.rate / decoding.rate,
        replay.cpuPerEvent / plain.cpuPerEvent,
        replay.cpuPerEvent / decoding.cpuPerEvent);
    System.out.printf("    peak heap in use during a replay round: %,d MB%n", peakHeap);
  }

  /**
   * One reader's best round by rate, and its lowest CPU time per event: what the reading cost this
   * JVM's threads (the reader's own, the collector's, the compiler's), not counting the broker's,
   * which runs in the parent JVM.
   */
  private static final class Best {
    private static final OperatingSystemMXBean OS =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private double rate;
    private double cpuPerEvent = Double.MAX_VALUE;

    void time(Callable<Long> reader) throws Exception {
      long cpu = OS.getProcessCpuTime();
      long start = System.nanoTime();
      long events = reader.call();
      rate = Math.max(rate, events / ((System.nanoTime() - start) / 1e9));
      cpuPerEvent = Math.min(cpuPerEvent, (OS.getProcessCpuTime() - cpu) / (double) events);
    }

    void print(String reader) {
      System.out.printf("    %-44s %,12.0f %18.0f%n", reader, rate, cpuPerEvent);
    }
  }

  private static long plainConsumer(
      Map<String, Object> client, TopicCatalog topics, int events, boolean decode) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    AvroDeserializer<LockEvent> decoder =
        ((AvroSerde<LockEvent>) topics.lockEvents().valueSerde()).avroDeserializer();
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
    return count;
  }

  private static long replay(Map<String, Object> client, TopicCatalog topics, int events)
      throws Exception {
    AtomicLong count = new AtomicLong();
    History history = new KafkaHistory(client, topics, Duration.ofSeconds(30), Progress.NONE);
    Timeline.walk(
        history,
        null,
        null,
        Selection.ALL,
        new HistoryFold(
            new LockStateMachine(WatchPolicy.builder().missedBeats(3).build()),
            HistoryFold.Judgements.AT_DUE_TIME),
        (entry, judgement, fold) -> count.incrementAndGet());
    check(count.get(), events);
    return count.get();
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
