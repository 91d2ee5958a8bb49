package io.lockwatch.streams.internals;

import io.lockwatch.events.Incident;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Incidents in the app's own stores: plain Avro binary of the current schema, without the registry,
 * so that a registry outage never stops a store write. Internal only: the incidents topic carries
 * the registry's wire format.
 */
public final class IncidentStoreSerde implements Serde<Incident> {
  private static final SpecificDatumWriter<Incident> WRITER =
      new SpecificDatumWriter<>(Incident.class);
  private static final SpecificDatumReader<Incident> READER =
      new SpecificDatumReader<>(Incident.class);

  @Override
  public Serializer<Incident> serializer() {
    return (topic, incident) -> incident == null ? null : encode(incident);
  }

  @Override
  public Deserializer<Incident> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  static byte[] encode(Incident incident) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
      WRITER.write(incident, encoder);
      encoder.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new SerializationException("Cannot encode incident " + incident.getIncidentId(), e);
    }
  }

  static Incident decode(byte[] bytes) {
    try {
      return READER.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Corrupt incident store record: " + e.getMessage(), e);
    }
  }
}
