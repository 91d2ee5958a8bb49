package io.lockwatch.cli.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.cli.output.Progress;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The merge of Lockwatch's topics on the embedded stack: 40 locks' events spread over three
 * partitions with interleaved times, alerts on a fourth topic, and one record that does not decode;
 * read with a buffer of 7 records per partition, so partitions are paused and resumed throughout.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaHistoryTest {
  private static final int LOCKS = 40;
  private static final int EVENTS_PER_LOCK = 50;
  private static final int SMALL_BUFFER = 7;
  private static final Instant START = Instant.parse("2026-11-20T03:00:00Z");
  private static final HolderIdentity HOLDER =
      HolderIdentity.newBuilder()
          .setNodeId("node-1")
          .setHost("node-1.fleet.local")
          .setPid(1)
          .setIncarnation("test")
          .build();

  private Map<String, Object> client;
  private TopicCatalog catalog;
  // What was written, as (time, lock id), in the order it was written.
  private final List<Map.Entry<Instant, String>> written = new ArrayList<>();

  @BeforeAll
  void write(DevStack stack) throws Exception {
    client = new HashMap<>(stack.clientConfig());
    client.putAll(TopicCatalog.namedWithPrefix("merge-" + UUID.randomUUID()));
    catalog = TopicCatalog.fromConfig(client);
    try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
      RecordedTopics.create(admin, catalog, 3);
    }
    Random random = new Random(7);
    var events = catalog.lockEvents().valueSerde().serializer();
    var alerts = catalog.alerts().valueSerde().serializer();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    // Each lock heartbeats at its own pace, so the partitions' times interleave unevenly.
    for (int lock = 0; lock < LOCKS; lock++) {
      String lockId = "lock-" + lock;
      Instant time = START.plusMillis(random.nextInt(1_000));
      for (int n = 0; n < EVENTS_PER_LOCK; n++) {
        LockEvent event =
            LockEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setLockId(lockId)
                .setType(n == 0 ? LockEventType.ACQUIRED : LockEventType.HEARTBEAT)
                .setFencingToken(1)
                .setHolder(HOLDER)
                .setOccurredAt(time)
                .setSequence(n)
                .setHeartbeatIntervalMs(n == 0 ? 10_000L : null)
                .build();
        String topic = catalog.lockEvents().name();
        records.add(record(topic, time, lockId, events.serialize(topic, event)));
        if (n % 10 == 9) {
          topic = catalog.alerts().name();
          records.add(record(topic, time, lockId, alerts.serialize(topic, alert(event))));
        }
        time = time.plusMillis(1 + random.nextInt(20_000));
      }
    }
    // Written in time order, as the lock manager and Lockwatch write them.
    records.sort(Comparator.comparingLong(ProducerRecord::timestamp));
    records.forEach(r -> written.add(Map.entry(Instant.ofEpochMilli(r.timestamp()), r.key())));
    records.add(
        record(catalog.lockEvents().name(), START, "lock-0", new byte[] {7, 0, 0, 0, 1, 2}));
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> record : records) {
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static ProducerRecord<String, byte[]> record(
      String topic, Instant time, String key, byte[] value) {
    return new ProducerRecord<>(topic, null, time.toEpochMilli(), key, value);
  }

  private static Alert alert(LockEvent event) {
    return Alert.newBuilder()
        .setAlertId(event.getEventId())
        .setLockId(event.getLockId())
        .setReason(AlertReason.SEQUENCE_GAP)
        .setSeverity(AlertSeverity.INFO)
        .setDetectedAt(event.getOccurredAt())
        .setMessage("test")
        .setFencingToken(1L)
        .setHolder(HOLDER)
        .setLastHeartbeatAt(event.getOccurredAt())
        .setLastHeartbeatObservedAt(event.getOccurredAt())
        .setThresholdMs(30_000L)
        .setEvidence(Map.of())
        .build();
  }

  private KafkaHistory history() {
    return new KafkaHistory(client, catalog, Duration.ofSeconds(30), Progress.NONE, SMALL_BUFFER);
  }

  @Test
  void shouldHandOnEveryRecordOnceInTimeOrderWhenPartitionsArePausedAndResumed() throws Exception {
    List<Entry> read = new ArrayList<>();

    History.ReadSummary summary = history().read(null, null, Selection.ALL, read::add);

    assertThat(read).isSortedAccordingTo(Entry.TIME_ORDER);
    assertThat(read)
        .extracting(entry -> Map.entry(entry.time(), entry.lockId()))
        .containsExactlyInAnyOrderElementsOf(written);
    assertThat(read)
        .extracting(entry -> entry.topic() + "/" + entry.partition() + "/" + entry.offset())
        .doesNotHaveDuplicates();
    assertThat(summary.recordsRead()).isEqualTo(written.size() + 1);
    assertThat(summary.entries()).isEqualTo(written.size());
    assertThat(summary.undecodable()).isEqualTo(1);
    assertThat(summary.problems())
        .singleElement()
        .asString()
        .as("listed with topic, partition and offset")
        .matches(".+-\\d+@\\d+: .*magic byte 0x07.*");
  }

  @Test
  void shouldHandOnOnlyTheWindowWhenFromAndToAreGiven() throws Exception {
    Instant from = START.plus(Duration.ofMinutes(3));
    Instant to = START.plus(Duration.ofMinutes(6));
    List<Entry> read = new ArrayList<>();

    history().read(from, to, Selection.ALL, read::add);

    List<Map.Entry<Instant, String>> inWindow =
        written.stream()
            .filter(w -> !w.getKey().isBefore(from) && w.getKey().isBefore(to))
            .toList();
    assertThat(read).isSortedAccordingTo(Entry.TIME_ORDER);
    assertThat(read)
        .extracting(entry -> Map.entry(entry.time(), entry.lockId()))
        .containsExactlyInAnyOrderElementsOf(inWindow);
    assertThat(inWindow).hasSizeBetween(100, written.size() - 100);
  }

  @Test
  void shouldReadOnlyTheLocksRecordsWhenOneLockIsSelected() throws Exception {
    List<Entry> read = new ArrayList<>();

    History.ReadSummary summary = history().read(null, null, Selection.lock("lock-7"), read::add);

    assertThat(read).extracting(Entry::lockId).containsOnly("lock-7");
    assertThat(read)
        .extracting(Entry::time)
        .containsExactlyElementsOf(
            written.stream()
                .filter(w -> w.getValue().equals("lock-7"))
                .map(Map.Entry::getKey)
                .toList());
    // Only the lock's partition of each topic is read.
    assertThat(summary.recordsRead()).isLessThan(written.size() / 2);
  }

  @Test
  void shouldStopFetchingAndPassTheErrorOnWhenTheSinkFails() {
    List<Entry> read = new ArrayList<>();

    assertThatThrownBy(
            () ->
                history()
                    .read(
                        null,
                        null,
                        Selection.ALL,
                        entry -> {
                          read.add(entry);
                          if (read.size() == 100) {
                            throw new IllegalStateException("output closed");
                          }
                        }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("output closed");
    assertThat(read).hasSize(100);
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .doesNotContain("lockwatch-history-fetcher");
  }
}
