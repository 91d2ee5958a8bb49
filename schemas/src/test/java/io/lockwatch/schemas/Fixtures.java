package io.lockwatch.schemas;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;

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
