package io.lockwatch.benchmarks;

import io.lockwatch.core.WatchPolicy;
import io.lockwatch.devstack.EmbeddedKafka;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.topics.BoundedTopicReader;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/** (c) Detection delay, threshold crossing to reclaim command, under heartbeat load. */
final class DetectionDelayBenchmark {

  static void measure(EmbeddedKafka kafka) throws Exception {
    Map<String, Object> client = BenchmarkSupport.clientConfig(kafka.bootstrapServers(), "dd");
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    BenchmarkSupport.createTopics(kafka.bootstrapServers(), topics);
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
                BenchmarkSupport.producerConfig(kafka.bootstrapServers()),
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

  static void send(
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
            .setHolder(BenchmarkSupport.HOLDER)
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

  static long percentile(List<Long> sorted, int percentile) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private DetectionDelayBenchmark() {}
}
