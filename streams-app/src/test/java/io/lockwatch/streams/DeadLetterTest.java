package io.lockwatch.streams;

import static io.lockwatch.streams.WatchdogHarness.LOCK;
import static io.lockwatch.streams.WatchdogHarness.NODE_7;
import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input goes to the dead-letter topic as it was, with where it came from and why; nothing else
 * stops.
 */
class DeadLetterTest {

  private WatchdogHarness lockwatch;

  @BeforeEach
  void startDriver() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
  }

  @AfterEach
  void closeDriver() {
    lockwatch.close();
  }

  @Test
  void shouldDeadLetterTheEventWhenItBreaksTheContract() {
    LockEvent misKeyed =
        WatchdogHarness.event("other.conf", LockEventType.ACQUIRED, NODE_7, 41, 0, lockwatch.now())
            .build();
    LockEvent bigAttributes =
        WatchdogHarness.event(LOCK, LockEventType.ACQUIRED, NODE_7, 41, 0, lockwatch.now())
            .setAttributes(Map.of("note", "x".repeat(300)))
            .build();
    LockEvent zeroToken =
        WatchdogHarness.event(LOCK, LockEventType.ACQUIRED, NODE_7, 0, 0, lockwatch.now()).build();

    lockwatch.pipeKeyed(LOCK, misKeyed);
    lockwatch.pipe(bigAttributes);
    lockwatch.pipe(zeroToken);

    List<TestRecord<byte[], byte[]>> dead = lockwatch.deadLetters();
    assertThat(dead)
        .extracting(record -> headers(record.headers()).get("__streams.errors.message"))
        .containsExactly(
            "lock event "
                + misKeyed.getEventId()
                + " for other.conf is keyed aim_lock_config.conf; the key must be the lock id",
            "lock event "
                + bigAttributes.getEventId()
                + ": attribute note has 300 characters, at most 256 allowed",
            "lock event " + zeroToken.getEventId() + ": fencing token 0; tokens are positive");
    assertThat(dead)
        .extracting(record -> headers(record.headers()).get("__streams.errors.offset"))
        .containsExactly("0", "1", "2");
    assertThat(lockwatch.stored(LOCK)).isNull();
  }

  @Test
  void shouldDeadLetterATombstoneAndGoOnWhenAnInputHasANullValue() {
    lockwatch.pipeRaw(LOCK, null);
    lockwatch.pipe(
        WatchdogHarness.event(LOCK, LockEventType.ACQUIRED, NODE_7, 41, 0, lockwatch.now())
            .build());

    List<TestRecord<byte[], byte[]>> dead = lockwatch.deadLetters();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isNull();
    assertThat(headers(dead.get(0).headers()))
        .containsEntry("lockwatch.reason", "CONTRACT_VIOLATION")
        .containsEntry("__streams.errors.offset", "0");
    assertThat(lockwatch.stored(LOCK)).isNotNull();
  }

  private static Map<String, String> headers(Headers headers) {
    java.util.Map<String, String> values = new java.util.HashMap<>();
    for (Header header : headers) {
      values.put(
          header.key(),
          header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }
    return values;
  }
}
