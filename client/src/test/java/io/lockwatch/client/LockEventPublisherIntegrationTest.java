package io.lockwatch.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.Fixtures;
import io.lockwatch.schemas.registry.RegistryClient;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.serde.WireFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@IntegrationTest
class LockEventPublisherIntegrationTest {

  private static final Instant AT = Instant.parse("2026-11-23T03:10:00Z");

  private DevStack stack;
  private String topic;
  private Map<String, Object> config;

  @BeforeEach
  void setUp(DevStack stack) throws Exception {
    this.stack = stack;
    topic = "it-lock-events-" + UUID.randomUUID();
    try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
      admin
          .createTopics(List.of(new NewTopic(topic, 3, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    config = new HashMap<>(stack.clientConfig());
    config.put("lockwatch.topic.lock-events", topic);
  }

  @Test
  void shouldPublishADecodableHoldingWhenALockIsAcquiredHeartbeatenAndReleased() throws Exception {
    try (LockEventPublisher publisher =
        LockEventPublisher.create(config, Fixtures.NODE_7, Clock.fixed(AT, ZoneOffset.UTC))) {
      publisher.acquired(Fixtures.LOCK, 41, Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
      publisher.heartbeat(Fixtures.LOCK, 41);
      publisher.heartbeat(Fixtures.LOCK, 41);
      publisher.released(Fixtures.LOCK, 41, "update cycle finished").get(30, TimeUnit.SECONDS);
    }

    List<LockEvent> events = decoded(readAll());

    assertThat(events)
        .extracting(LockEvent::getType)
        .containsExactly(
            LockEventType.ACQUIRED,
            LockEventType.HEARTBEAT,
            LockEventType.HEARTBEAT,
            LockEventType.RELEASED);
    assertThat(events).extracting(LockEvent::getSequence).containsExactly(0L, 1L, 2L, 3L);
    assertThat(events)
        .allSatisfy(
            event -> {
              assertThat(event.getFencingToken()).isEqualTo(41);
              assertThat(event.getHolder()).isEqualTo(Fixtures.NODE_7);
              assertThat(event.getOccurredAt()).isEqualTo(AT);
            });
    assertThat(events.get(0).getHeartbeatIntervalMs()).isEqualTo(5000L);
    assertThat(events.get(3).getReason()).isEqualTo("update cycle finished");
    assertThat(events).extracting(LockEvent::getEventId).doesNotHaveDuplicates();
  }

  @Test
  void shouldPutMagicByteAndTheRegistryIdOnTheWireWhenPublishing() throws Exception {
    try (LockEventPublisher publisher = LockEventPublisher.create(config, Fixtures.NODE_7)) {
      publisher.acquired(Fixtures.LOCK, 7, Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
    }

    byte[] onTheWire = readAll().get(0).value();

    int registryId = RegistryClient.fromConfig(config).latest(topic + "-value").id();
    assertThat(onTheWire[0]).isEqualTo(WireFormat.MAGIC_BYTE);
    assertThat(WireFormat.schemaId(onTheWire)).isEqualTo(registryId);
  }

  @Test
  void shouldDeliverEverythingWhenClosedWithoutWaiting() {
    int locks = 50;
    int heartbeats = 19;
    List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
    try (LockEventPublisher publisher = LockEventPublisher.create(config, Fixtures.NODE_7)) {
      for (int lock = 0; lock < locks; lock++) {
        sent.add(publisher.acquired("lock-" + lock, 1, Duration.ofSeconds(1)));
      }
      for (int beat = 0; beat < heartbeats; beat++) {
        for (int lock = 0; lock < locks; lock++) {
          sent.add(publisher.heartbeat("lock-" + lock, 1));
        }
      }
    }

    assertThat(sent).allMatch(future -> future.isDone() && !future.isCompletedExceptionally());
    List<LockEvent> events = decoded(readAll());
    assertThat(events).hasSize(locks * (1 + heartbeats));
    Map<String, List<Long>> sequencesByLock = new HashMap<>();
    events.forEach(
        event ->
            sequencesByLock
                .computeIfAbsent(event.getLockId(), key -> new ArrayList<>())
                .add(event.getSequence()));
    List<Long> expected = new ArrayList<>();
    for (long i = 0; i <= heartbeats; i++) {
      expected.add(i);
    }
    assertThat(sequencesByLock)
        .hasSize(locks)
        .allSatisfy((lock, sequences) -> assertThat(sequences).isEqualTo(expected));
  }

  @Test
  void shouldRefuseWhenUsedWronglyOrAfterClose() {
    LockEventPublisher publisher = LockEventPublisher.create(config, Fixtures.NODE_7);
    assertThatThrownBy(() -> publisher.heartbeat("never-acquired", 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has not published an acquire of never-acquired");
    publisher.acquired(Fixtures.LOCK, 5, Duration.ofSeconds(1));
    assertThatThrownBy(() -> publisher.heartbeat(Fixtures.LOCK, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(Fixtures.LOCK + " is held under token 5, not 4");
    LockEvent oversized =
        LockEvent.newBuilder(Fixtures.heartbeat(5, 1, AT))
            .setAttributes(Map.of("k", "v".repeat(300)))
            .build();
    assertThatThrownBy(() -> publisher.publish(oversized))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute k has 300 characters");
    publisher.close();
    assertThatThrownBy(() -> publisher.heartbeat(Fixtures.LOCK, 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("LockEventPublisher is closed");
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll() {
    return Fixtures.readAll(stack, topic);
  }

  private List<LockEvent> decoded(List<ConsumerRecord<byte[], byte[]>> records) {
    AvroDeserializer<LockEvent> deserializer = AvroDeserializer.forType(LockEvent.class);
    deserializer.configure(config, false);
    return records.stream()
        .map(
            record ->
                deserializer.decode(
                    record.topic(), record.partition(), record.offset(), record.value()))
        .toList();
  }
}
