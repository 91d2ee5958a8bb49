package io.lockwatch.schemas.serde;

import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.registry.SchemaRegistries;
import io.lockwatch.schemas.registry.SchemaRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro-generated records in the Confluent wire format, registering or looking up their
 * schema in the registry on first use per topic. Safe for concurrent use.
 *
 * @param <T> the generated record type
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private SchemaRegistry registry;
  private boolean ownsRegistry;
  private AvroSerdeConfig config = AvroSerdeConfig.from(Map.of());
  private boolean isKey;
  private final Map<TopicAndSchema, Writer> writers = new ConcurrentHashMap<>();

  /** For Kafka's reflective instantiation: the registry comes from {@link #configure}. */
  public AvroSerializer() {}

  /** With a registry shared by several serdes (its caches are shared too). */
  public AvroSerializer(SchemaRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.config = AvroSerdeConfig.from(configs);
    this.isKey = isKey;
    if (registry == null) {
      registry = SchemaRegistries.fromConfig(configs);
      ownsRegistry = true;
    }
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException(
          "AvroSerializer used before configure() and without a registry");
    }
    Writer writer =
        writers.computeIfAbsent(new TopicAndSchema(topic, record.getSchema()), this::resolve);
    return writer.write(record);
  }

  @Override
  public void close() {
    if (ownsRegistry) {
      registry.close();
    }
  }

  private Writer resolve(TopicAndSchema key) {
    Schema schema = key.schema();
    String subject = config.strategy(isKey).subject(key.topic(), isKey, schema);
    SpecificData model = SpecificData.getForSchema(schema);
    try {
      if (config.autoRegister()) {
        return new Writer(
            registry.register(subject, schema), new SpecificDatumWriter<>(schema, model), null);
      }
      if (!config.useLatestVersion()) {
        return new Writer(
            registry.lookup(subject, schema).id(), new SpecificDatumWriter<>(schema, model), null);
      }
      var latest = registry.latest(subject);
      if (latest.schema().equals(schema)) {
        return new Writer(latest.id(), new SpecificDatumWriter<>(schema, model), null);
      }
      var compatibility =
          SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
      if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new AvroSerdeException(
            AvroSerdeException.Kind.INCOMPATIBLE_SCHEMA,
            "use.latest.version: the latest schema of subject "
                + subject
                + " (version "
                + latest.version()
                + ") cannot represent "
                + schema.getFullName()
                + ": "
                + compatibility.getDescription(),
            key.topic(),
            -1,
            -1,
            latest.id(),
            null);
      }
      return new Writer(latest.id(), new SpecificDatumWriter<>(schema, model), latest.schema());
    } catch (RegistryException e) {
      boolean notRegistered = !config.autoRegister() && e.isNotFound();
      throw new AvroSerdeException(
          notRegistered
              ? AvroSerdeException.Kind.SCHEMA_NOT_REGISTERED
              : AvroSerdeException.Kind.REGISTRY_FAILURE,
          notRegistered
              ? "Schema "
                  + schema.getFullName()
                  + " is not registered under subject "
                  + subject
                  + " and auto.register.schemas is false"
              : "Cannot get a schema id for subject " + subject + ": " + e.getMessage(),
          key.topic(),
          -1,
          -1,
          -1,
          e);
    }
  }

  private record TopicAndSchema(String topic, Schema schema) {}

  /** Encodes with one resolved schema id; converts to the subject's latest schema when asked. */
  private static final class Writer {
    private final int schemaId;
    private final DatumWriter<Object> recordWriter;
    private final Schema targetSchema;
    private final GenericDatumWriter<Object> targetWriter;

    @SuppressWarnings("unchecked")
    Writer(int schemaId, SpecificDatumWriter<?> recordWriter, Schema targetSchema) {
      this.schemaId = schemaId;
      this.recordWriter = (DatumWriter<Object>) recordWriter;
      this.targetSchema = targetSchema;
      this.targetWriter =
          targetSchema == null ? null : new GenericDatumWriter<>(targetSchema, GenericData.get());
    }

    byte[] write(Object record) {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, schemaId);
        out.write(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        if (targetSchema == null) {
          recordWriter.write(record, encoder);
        } else {
          targetWriter.write(convert(record), encoder);
        }
        encoder.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Re-reads the record's own encoding as the target schema (fields match by name, defaults fill
     * in).
     */
    private Object convert(Object record) throws IOException {
      ByteArrayOutputStream own = new ByteArrayOutputStream(256);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(own, null);
      recordWriter.write(record, encoder);
      encoder.flush();
      Schema ownSchema = ((SpecificRecord) record).getSchema();
      return new GenericDatumReader<>(ownSchema, targetSchema)
          .read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
    }
  }
}
