package io.lockwatch.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.Fixtures;
import io.lockwatch.schemas.registry.InMemorySchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static final String TOPIC = "lockwatch.lock-events";
  private static final Instant AT = Instant.parse("2026-11-23T03:12:00Z");

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerde<LockEvent> serde =
      configured(AvroSerde.forType(LockEvent.class, registry), Map.of());

  @Test
  void shouldRoundTripWhenWrittenAndReadWithTheSameSchema() {
    LockEvent event = Fixtures.heartbeat(41, 7, AT);

    LockEvent read =
        serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, event));

    assertThat(read).isEqualTo(event);
    assertThat(read.getOccurredAt()).isEqualTo(AT);
  }

  @Test
  void shouldStartWithMagicByteAndRegisteredIdWhenSerialized() {
    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));

    int registeredId = registry.latest(TOPIC + "-value").id();
    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registeredId);
  }

  @Test
  void shouldReadNullWhenThePayloadIsATombstone() {
    assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
    assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
  }

  @Test
  void shouldRaiseBadMagicByteWhenTheFirstByteIsNotZero() {
    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));
    bytes[0] = 1;

    assertThatThrownBy(() -> serde.avroDeserializer().decode(TOPIC, 3, 1234, bytes))
        .isInstanceOfSatisfying(
            AvroSerdeException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.BAD_MAGIC_BYTE);
              assertThat(e.partition()).isEqualTo(3);
              assertThat(e.offset()).isEqualTo(1234);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Unknown magic byte 0x01 (expected 0x00: not Confluent wire format) (record lockwatch.lock-events-3@1234)");
            });
  }

  @Test
  void shouldRaiseTruncatedWhenTheHeaderIsIncomplete() {
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {0, 0, 1}))
        .isInstanceOfSatisfying(
            AvroSerdeException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.TRUNCATED_PAYLOAD);
              assertThat(e.getMessage()).contains("3 bytes").contains("record on topic " + TOPIC);
            });
  }

  @Test
  void shouldRaiseTruncatedWhenTheRecordIsCutShort() {
    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));
    byte[] cut = Arrays.copyOf(bytes, bytes.length - 10);

    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, cut))
        .isInstanceOfSatisfying(
            AvroSerdeException.class,
            e -> assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.TRUNCATED_PAYLOAD));
  }

  @Test
  void shouldRaiseMalformedWhenBytesFollowTheRecord() {
    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));
    byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);

    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, padded))
        .isInstanceOfSatisfying(
            AvroSerdeException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.MALFORMED_PAYLOAD);
              assertThat(e.getMessage()).contains("Unread bytes remain");
            });
  }

  @Test
  void shouldRaiseUnknownSchemaIdWhenTheRegistryHasNoSuchId() {
    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));
    ByteBuffer.wrap(bytes, 1, 4).putInt(1, 999);

    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
        .isInstanceOfSatisfying(
            AvroSerdeException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.UNKNOWN_SCHEMA_ID);
              assertThat(e.schemaId()).isEqualTo(999);
            });
  }

  @Test
  void shouldDecodeIntoTheNewClassWhenWrittenWithAnEarlierSchema() throws Exception {
    Schema early = Fixtures.earlyLockEventSchema();
    int earlyId = registry.register(TOPIC + "-value", early);
    GenericRecord earlyHeartbeat = Fixtures.earlyLockEvent("HEARTBEAT", 3, AT, null);

    LockEvent read =
        serde.deserializer().deserialize(TOPIC, encode(early, earlyId, earlyHeartbeat));

    assertThat(read.getType()).isEqualTo(LockEventType.HEARTBEAT);
    assertThat(read.getFencingToken()).isEqualTo(41);
    assertThat(read.getAttributes()).isEmpty();
    assertThat(read.getActor()).isNull();
  }

  @Test
  void shouldRefuseWhenAutoRegisterIsOffAndTheSchemaIsUnknown() {
    AvroSerde<LockEvent> strict =
        configured(
            AvroSerde.forType(LockEvent.class, registry), Map.of("auto.register.schemas", "false"));

    assertThatThrownBy(() -> strict.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT)))
        .isInstanceOfSatisfying(
            AvroSerdeException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AvroSerdeException.Kind.SCHEMA_NOT_REGISTERED);
              assertThat(e.getMessage())
                  .contains("lockwatch.lock-events-value")
                  .contains("auto.register.schemas is false");
            });
  }

  @Test
  void shouldUseTheRegisteredIdWhenAutoRegisterIsOffAndTheSchemaIsKnown() {
    int id = registry.register(TOPIC + "-value", LockEvent.getClassSchema());
    AvroSerde<LockEvent> strict =
        configured(
            AvroSerde.forType(LockEvent.class, registry), Map.of("auto.register.schemas", false));

    byte[] bytes = strict.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));

    assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
  }

  @Test
  void shouldWriteWithTheLatestSchemaWhenUseLatestVersionIsOn() {
    Schema withRegion = addOptionalField(LockEvent.getClassSchema(), "region");
    registry.register(TOPIC + "-value", LockEvent.getClassSchema());
    int latestId = registry.register(TOPIC + "-value", withRegion);
    AvroSerde<LockEvent> latest =
        configured(
            AvroSerde.forType(LockEvent.class, registry),
            Map.of("auto.register.schemas", "false", "use.latest.version", "true"));

    byte[] bytes = latest.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));

    assertThat(WireFormat.schemaId(bytes)).isEqualTo(latestId);
    assertThat(serde.deserializer().deserialize(TOPIC, bytes).getFencingToken()).isEqualTo(41);
  }

  @Test
  void shouldNameSubjectsByRecordWhenRecordNameStrategyIsSet() {
    AvroSerde<LockEvent> byRecord =
        configured(
            AvroSerde.forType(LockEvent.class, registry),
            Map.of(
                "value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"));

    byRecord.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));

    assertThat(registry.subjects()).containsExactly("io.lockwatch.events.LockEvent");
  }

  @Test
  void shouldReadGenericRecordsWhenNoTypeIsGiven() {
    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat(41, 7, AT));

    GenericRecord read = AvroDeserializer.generic(registry).deserialize(TOPIC, bytes);

    assertThat(read.get("fencingToken")).isEqualTo(41L);
    assertThat(read.get("lockId").toString()).isEqualTo(Fixtures.LOCK);
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> configured(
      AvroSerde<T> serde, Map<String, ?> config) {
    serde.configure(config, false);
    return serde;
  }

  static byte[] encode(Schema schema, int id, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static Schema addOptionalField(Schema base, String name) {
    java.util.List<Schema.Field> fields = new java.util.ArrayList<>();
    for (Schema.Field field : base.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    Schema optional =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
    fields.add(
        new Schema.Field(name, optional, "added by the test", Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
  }
}
