package io.lockwatch.streams;

import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads what the app wrote, committed records only, as the tests' consumers of its topics. */
final class TestTopics {
  private TestTopics() {}

  /** Every committed record of {@code topic}, once at least {@code atLeast} are there. */
  static List<ConsumerRecord<byte[], byte[]>> awaitRecords(
      Map<String, Object> clientConfig, String topic, int atLeast, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<byte[], byte[]>> records;
    do {
      records = BoundedTopicReader.readAll(clientConfig, topic, Duration.ofSeconds(10));
      if (records.size() >= atLeast) {
        return records;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        records.size() + " record(s) on " + topic + " within " + timeout + ", expected " + atLeast);
  }

  /** The decoded values of every committed record, once at least {@code atLeast} are there. */
  static <T extends SpecificRecord> List<T> awaitValues(
      Map<String, Object> clientConfig, String topic, Class<T> type, int atLeast, Duration timeout)
      throws Exception {
    AvroDeserializer<T> deserializer = AvroDeserializer.forType(type);
    deserializer.configure(clientConfig, false);
    List<T> values = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record :
        awaitRecords(clientConfig, topic, atLeast, timeout)) {
      values.add(deserializer.deserialize(record.topic(), record.value()));
    }
    return values;
  }
}
