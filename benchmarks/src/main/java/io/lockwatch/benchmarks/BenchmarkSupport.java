package io.lockwatch.benchmarks;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the benchmarks share: the holder, the partition count, topics, preloading. */
final class BenchmarkSupport {
  static final HolderIdentity HOLDER =
      HolderIdentity.newBuilder()
          .setNodeId("node-1")
          .setHost("node-1.fleet.local")
          .setPid(1)
          .setIncarnation("bench")
          .build();
  static final int PARTITIONS = 6;

  static void waitOrFail(long deadline, String what) throws InterruptedException {
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

  static Map<String, Object> producerConfig(String bootstrapServers) {
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

  static String lockId(int lock) {
    return String.format("lock-%019d", lock);
  }

  private BenchmarkSupport() {}
}
