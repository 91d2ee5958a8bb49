package io.lockwatch.schemas;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Test data: node-7 and its lock, as in the incident. */
public final class Fixtures {
  public static final String LOCK = "aim_lock_config.conf";
  public static final HolderIdentity NODE_7 =
      HolderIdentity.newBuilder()
          .setNodeId("node-7")
          .setHost("node-7.fleet.local")
          .setPid(4242)
          .setIncarnation("b3f1c2d4")
          .build();

  private Fixtures() {}

  public static LockEvent heartbeat(long token, long sequence, Instant at) {
    return LockEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setLockId(LOCK)
        .setType(LockEventType.HEARTBEAT)
        .setFencingToken(token)
        .setHolder(NODE_7)
        .setOccurredAt(at)
        .setSequence(sequence)
        .setAttributes(Map.of("orchestrator.cycle", "2231"))
        .build();
  }

  /** Every committed record of {@code topic} on the stack, in partition and offset order. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(DevStack stack, String topic) {
    try {
      return BoundedTopicReader.readAll(stack.clientConfig(), topic, Duration.ofSeconds(30));
    } catch (TimeoutException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** The LockEvent schema an early lock-manager build wrote with (fewer fields and event types). */
  public static Schema earlyLockEventSchema() {
    return testSchema("/older-producers/LockEvent-early.avsc");
  }

  /** A lock event as that early build wrote it: node-7's event of {@code type} under token 41. */
  public static GenericRecord earlyLockEvent(
      String type, long sequence, Instant at, Long heartbeatIntervalMs) {
    Schema early = earlyLockEventSchema();
    GenericRecord holder = new GenericData.Record(early.getField("holder").schema());
    holder.put("nodeId", NODE_7.getNodeId());
    holder.put("host", NODE_7.getHost());
    holder.put("pid", NODE_7.getPid());
    holder.put("incarnation", NODE_7.getIncarnation());
    GenericRecord record = new GenericData.Record(early);
    record.put("eventId", UUID.randomUUID().toString());
    record.put("lockId", LOCK);
    record.put("type", new GenericData.EnumSymbol(early.getField("type").schema(), type));
    record.put("fencingToken", 41L);
    record.put("holder", holder);
    record.put("occurredAt", at.toEpochMilli());
    record.put("sequence", sequence);
    record.put("heartbeatIntervalMs", heartbeatIntervalMs);
    record.put("reason", null);
    return record;
  }

  /**
   * The current LockEvent schema with fencingToken turned into a string: not BACKWARD compatible.
   */
  public static Schema lockEventWithStringToken() {
    return new Schema.Parser()
        .parse(
            LockEvent.getClassSchema()
                .toString()
                .replace(
                    "\"name\":\"fencingToken\",\"type\":\"long\"",
                    "\"name\":\"fencingToken\",\"type\":\"string\""));
  }

  public static Schema testSchema(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
