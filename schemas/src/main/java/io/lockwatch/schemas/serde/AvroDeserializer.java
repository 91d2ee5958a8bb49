package io.lockwatch.schemas.serde;

import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.registry.SchemaRegistries;
import io.lockwatch.schemas.registry.SchemaRegistry;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format records, resolving each record's writer schema (by the id in its
 * header) against the reader's schema, so records written with older or newer compatible schema
 * versions decode. Anything malformed raises an {@link AvroSerdeException} of a telling kind; only
 * a null payload (a tombstone) reads as null. Safe for concurrent use.
 *
 * @param <T> the generated record type, or {@link GenericRecord}
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

  private final Schema readerSchema;
  private final GenericData model;
  private SchemaRegistry registry;
  private boolean ownsRegistry;
  private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

  private AvroDeserializer(Schema readerSchema, GenericData model, SchemaRegistry registry) {
    this.readerSchema = readerSchema;
    this.model = model;
    this.registry = registry;
  }

  /**
   * For Kafka's reflective instantiation: reads into the generated class named by each writer
   * schema when it is on the classpath, else into a {@link GenericRecord}.
   */
  public AvroDeserializer() {
    this(null, null, null);
  }

  /** Reads into {@code type}, with the registry from {@link #configure}. */
  public static <T extends SpecificRecord> AvroDeserializer<T> forType(Class<T> type) {
    return new AvroDeserializer<>(
        SpecificData.get().getSchema(type), SpecificData.getForClass(type), null);
  }

  /** Reads into {@code type} with a registry shared by several serdes. */
  public static <T extends SpecificRecord> AvroDeserializer<T> forType(
      Class<T> type, SchemaRegistry registry) {
    return new AvroDeserializer<>(
        SpecificData.get().getSchema(type),
        SpecificData.getForClass(type),
        Objects.requireNonNull(registry));
  }

  /** Reads every record as a {@link GenericRecord} of its own writer schema. */
  public static AvroDeserializer<GenericRecord> generic(SchemaRegistry registry) {
    return new AvroDeserializer<>(null, GenericData.get(), Objects.requireNonNull(registry));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry == null) {
      registry = SchemaRegistries.fromConfig(configs);
      ownsRegistry = true;
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return decode(topic, -1, -1, data);
  }

  @Override
  public T deserialize(String topic, Headers headers, byte[] data) {
    return decode(topic, -1, -1, data);
  }

  /** Decodes one record; partition and offset (or -1) are named in any error. */
  public T decode(String topic, int partition, long offset, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException(
          "AvroDeserializer used before configure() and without a registry");
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      throw new AvroSerdeException(
          AvroSerdeException.Kind.TRUNCATED_PAYLOAD,
          "Payload of "
              + data.length
              + " bytes is shorter than the "
              + WireFormat.HEADER_SIZE
              + "-byte wire-format header",
          topic,
          partition,
          offset,
          -1,
          null);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw new AvroSerdeException(
          AvroSerdeException.Kind.BAD_MAGIC_BYTE,
          String.format(
              "Unknown magic byte 0x%02x (expected 0x00: not Confluent wire format)", data[0]),
          topic,
          partition,
          offset,
          -1,
          null);
    }
    int schemaId = WireFormat.schemaId(data);
    DatumReader<T> reader = readerFor(schemaId, topic, partition, offset);
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
    T value;
    try {
      value = reader.read(null, decoder);
    } catch (EOFException e) {
      throw new AvroSerdeException(
          AvroSerdeException.Kind.TRUNCATED_PAYLOAD,
          "Payload ends before the record is complete",
          topic,
          partition,
          offset,
          schemaId,
          e);
    } catch (AvroTypeException e) {
      throw new AvroSerdeException(
          AvroSerdeException.Kind.INCOMPATIBLE_SCHEMA,
          "Cannot read as the reader's schema: " + e.getMessage(),
          topic,
          partition,
          offset,
          schemaId,
          e);
    } catch (IOException
        | AvroRuntimeException
        | IndexOutOfBoundsException
        | NegativeArraySizeException
        | ClassCastException e) {
      throw new AvroSerdeException(
          AvroSerdeException.Kind.MALFORMED_PAYLOAD,
          "Payload does not decode with its writer schema: " + e,
          topic,
          partition,
          offset,
          schemaId,
          e);
    }
    try {
      if (!decoder.isEnd()) {
        throw new AvroSerdeException(
            AvroSerdeException.Kind.MALFORMED_PAYLOAD,
            "Unread bytes remain after the record",
            topic,
            partition,
            offset,
            schemaId,
            null);
      }
    } catch (IOException e) {
      throw new AvroSerdeException(
          AvroSerdeException.Kind.MALFORMED_PAYLOAD,
          "Cannot check the end of the payload: " + e,
          topic,
          partition,
          offset,
          schemaId,
          e);
    }
    return value;
  }

  @Override
  public void close() {
    if (ownsRegistry) {
      registry.close();
    }
  }

  private DatumReader<T> readerFor(int schemaId, String topic, int partition, long offset) {
    DatumReader<T> cached = readers.get(schemaId);
    if (cached != null) {
      return cached;
    }
    Schema writer;
    try {
      writer = registry.schemaById(schemaId);
    } catch (RegistryException e) {
      throw new AvroSerdeException(
          e.isNotFound()
              ? AvroSerdeException.Kind.UNKNOWN_SCHEMA_ID
              : AvroSerdeException.Kind.REGISTRY_FAILURE,
          e.isNotFound()
              ? "The registry has no schema with id " + schemaId
              : "Cannot fetch schema " + schemaId + ": " + e.getMessage(),
          topic,
          partition,
          offset,
          schemaId,
          e);
    }
    DatumReader<T> reader = newReader(writer, topic, partition, offset, schemaId);
    readers.putIfAbsent(schemaId, reader);
    return reader;
  }

  @SuppressWarnings("unchecked")
  private DatumReader<T> newReader(
      Schema writer, String topic, int partition, long offset, int schemaId) {
    if (readerSchema == null && model == null) {
      // Reflective mode: the generated class of the writer's record name, if this JVM has it.
      SpecificData specific = SpecificData.getForSchema(writer);
      Class<?> type = specific.getClass(writer);
      if (type != null && SpecificRecord.class.isAssignableFrom(type)) {
        Schema local = specific.getSchema(type);
        checkReadable(local, writer, topic, partition, offset, schemaId);
        return shareable(writer, local, specific);
      }
      return shareable(writer, writer, GenericData.get());
    }
    if (readerSchema == null) {
      return shareable(writer, writer, model);
    }
    checkReadable(readerSchema, writer, topic, partition, offset, schemaId);
    return shareable(writer, readerSchema, model);
  }

  /**
   * A reader that threads may share (the recovery CLI decodes on two, Kafka Streams on each stream
   * thread). {@link GenericDatumReader} builds its fast reader lazily on its first read, without
   * synchronization; built here, before the reader is cached, it is published safely.
   */
  private static <T> DatumReader<T> shareable(Schema writer, Schema reader, GenericData data) {
    if (data.isFastReaderEnabled()) {
      try {
        return data.getFastReaderBuilder().createDatumReader(writer, reader);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return data instanceof SpecificData specific
        ? new SpecificDatumReader<>(writer, reader, specific)
        : new GenericDatumReader<>(writer, reader, data);
  }

  private static void checkReadable(
      Schema reader, Schema writer, String topic, int partition, long offset, int schemaId) {
    var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new AvroSerdeException(
          AvroSerdeException.Kind.INCOMPATIBLE_SCHEMA,
          "Writer schema "
              + writer.getFullName()
              + " cannot be read as "
              + reader.getFullName()
              + ": "
              + result.getDescription(),
          topic,
          partition,
          offset,
          schemaId,
          null);
    }
  }
}
