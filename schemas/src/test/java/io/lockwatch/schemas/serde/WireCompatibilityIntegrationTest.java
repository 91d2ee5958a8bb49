package io.lockwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.Fixtures;
import io.lockwatch.schemas.registry.RegistryClient;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Records as they travel through a real broker, decoded with schemas from a real registry. */
@IntegrationTest
class WireCompatibilityIntegrationTest {

  private static final Instant AT = Instant.parse("2026-11-23T03:12:00Z");

  private DevStack stack;
  private String topic;
  private RegistryClient registry;
  private AvroDeserializer<LockEvent> deserializer;

  @BeforeEach
  void setUp(DevStack stack) {
    this.stack = stack;
    topic = "it-wire-" + UUID.randomUUID();
    registry = RegistryClient.fromConfig(stack.clientConfig());
    deserializer = AvroDeserializer.forType(LockEvent.class, registry);
  }

  @Test
  void shouldDecodeIntoTheCurrentClassWhenAnEarlyProducerWroteTheRecord() throws Exception {
    Schema early = Fixtures.earlyLockEventSchema();
    int earlyId = registry.register(topic + "-value", early);
    GenericRecord record = Fixtures.earlyLockEvent("ACQUIRED", 0, AT, 5000L);
    produceRaw(List.of(AvroSerdeTest.encode(early, earlyId, record)));

    ConsumerRecord<byte[], byte[]> consumed = Fixtures.readAll(stack, topic).get(0);
    LockEvent decoded =
        deserializer.decode(topic, consumed.partition(), consumed.offset(), consumed.value());

    assertThat(WireFormat.schemaId(consumed.value())).isEqualTo(earlyId);
    assertThat(decoded.getType()).isEqualTo(LockEventType.ACQUIRED);
    assertThat(decoded.getHeartbeatIntervalMs()).isEqualTo(5000L);
    assertThat(decoded.getOccurredAt()).isEqualTo(AT);
    assertThat(decoded.getAttributes()).isEmpty();
    assertThat(decoded.getCommandId()).isNull();
  }

  @Test
  void shouldRaiseATypedErrorNamingTheRecordWhenEachKindOfMalformedPayloadArrives()
      throws Exception {
    AvroSerializer<LockEvent> serializer = new AvroSerializer<>(registry);
    serializer.configure(Map.of(), false);
    byte[] good = serializer.serialize(topic, Fixtures.heartbeat(41, 3, AT));
    byte[] badMagic = good.clone();
    badMagic[0] = 0x7b; // '{': a JSON producer on the wrong topic
    byte[] shortHeader = Arrays.copyOf(good, 3);
    byte[] cutBody = Arrays.copyOf(good, good.length - 8);
    byte[] unknownId = good.clone();
    ByteBuffer.wrap(unknownId).putInt(1, 987_654);
    produceRaw(List.of(good, badMagic, shortHeader, cutBody, unknownId));

    List<ConsumerRecord<byte[], byte[]>> records = Fixtures.readAll(stack, topic);

    assertThat(
            deserializer
                .decode(topic, 0, records.get(0).offset(), records.get(0).value())
                .getSequence())
        .isEqualTo(3);
    assertThat(failure(records.get(1)).kind()).isEqualTo(AvroSerdeException.Kind.BAD_MAGIC_BYTE);
    assertThat(failure(records.get(2)).kind()).isEqualTo(AvroSerdeException.Kind.TRUNCATED_PAYLOAD);
    assertThat(failure(records.get(3)).kind()).isEqualTo(AvroSerdeException.Kind.TRUNCATED_PAYLOAD);
    AvroSerdeException unknown = failure(records.get(4));
    assertThat(unknown.kind()).isEqualTo(AvroSerdeException.Kind.UNKNOWN_SCHEMA_ID);
    assertThat(unknown.getMessage())
        .isEqualTo(
            "The registry has no schema with id 987654 (record "
                + topic
                + "-0@4, schema id 987654)");
  }

  private AvroSerdeException failure(ConsumerRecord<byte[], byte[]> record) {
    AvroSerdeException failure =
        catchThrowableOfType(
            AvroSerdeException.class,
            () ->
                deserializer.decode(
                    record.topic(), record.partition(), record.offset(), record.value()));
    assertThat(failure).as("decoding offset %d", record.offset()).isNotNull();
    assertThat(failure.topic()).isEqualTo(topic);
    assertThat(failure.partition()).isEqualTo(record.partition());
    assertThat(failure.offset()).isEqualTo(record.offset());
    return failure;
  }

  private void produceRaw(List<byte[]> payloads) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (byte[] payload : payloads) {
        producer
            .send(new ProducerRecord<>(topic, 0, Fixtures.LOCK, payload))
            .get(30, TimeUnit.SECONDS);
      }
    }
  }
}
