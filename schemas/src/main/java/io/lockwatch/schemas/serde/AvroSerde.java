package io.lockwatch.schemas.serde;

import io.lockwatch.schemas.registry.SchemaRegistry;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} for one generated record type.
 *
 * @param <T> the generated record type
 */
public final class AvroSerde<T extends org.apache.avro.specific.SpecificRecord>
    implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  private AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** A serde whose registry comes from the properties given to {@link #configure}. */
  public static <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> forType(
      Class<T> type) {
    return new AvroSerde<>(new AvroSerializer<>(), AvroDeserializer.forType(type));
  }

  /** A serde using a registry (and its caches) shared with other serdes. */
  public static <T extends org.apache.avro.specific.SpecificRecord> AvroSerde<T> forType(
      Class<T> type, SchemaRegistry registry) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry), AvroDeserializer.forType(type, registry));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  /** The deserializer with its {@code decode(topic, partition, offset, bytes)}. */
  public AvroDeserializer<T> avroDeserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
