package io.lockwatch.streams;

import static io.lockwatch.streams.WatchdogHarness.LOCK;
import static io.lockwatch.streams.WatchdogHarness.NODE_4;
import static io.lockwatch.streams.WatchdogHarness.NODE_7;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.contract.LockPartitioner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No input, bug or outage may silence the watchdog or make it drop an input: bad input costs only
 * itself, a failing check only its own lock, and anything else fails the task so the input is
 * processed again.
 */
class WatchdogSafetyTest {
  private static final Duration INTERVAL = Duration.ofSeconds(5);
  private static final Duration THRESHOLD = INTERVAL.multipliedBy(3);

  private WatchdogHarness lockwatch;

  @AfterEach
  void closeDriver() {
    if (lockwatch != null) {
      lockwatch.close();
    }
  }

  @Test
  void shouldDeadLetterABoundedCopyAndStillReclaimOthersWhenALockIdIsAMegabyte() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
    String hugeId = "x".repeat(1024 * 1024);
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    lockwatch.pipe(
        WatchdogHarness.event(hugeId, LockEventType.ACQUIRED, NODE_4, 1, 0, lockwatch.now())
            .setHeartbeatIntervalMs(INTERVAL.toMillis())
            .build());

    lockwatch.advanceInSteps(THRESHOLD.plusSeconds(1), Duration.ofMillis(500));

    List<TestRecord<byte[], byte[]>> dead = lockwatch.deadLetters();
    assertThat(dead).hasSize(1);
    Map<String, String> headers = headers(dead.get(0).headers());
    assertThat(headers.get("lockwatch.reason")).isEqualTo("CONTRACT_VIOLATION");
    assertThat(headers.get("__streams.errors.message"))
        .endsWith(": lockId of 1048576 characters, at most 1024 allowed");
    assertThat(dead.get(0).key()).hasSize(64 * 1024);
    assertThat(headers.get("lockwatch.original.key.bytes")).isEqualTo("1048576");
    assertThat(dead.get(0).value()).hasSize(64 * 1024);
    assertThat(Integer.parseInt(headers.get("lockwatch.original.value.bytes")))
        .isGreaterThan(1024 * 1024);
    assertThat(lockwatch.commands()).extracting(ReclaimCommand::getLockId).containsExactly(LOCK);
    assertThat(lockwatch.stored(hugeId)).isNull();
  }

  @Test
  void shouldDeadLetterAsAContractViolationWhenTheHeartbeatIntervalWouldOverflow() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
    LockEvent forever =
        WatchdogHarness.event(LOCK, LockEventType.ACQUIRED, NODE_7, 41, 0, lockwatch.now())
            .setHeartbeatIntervalMs(Long.MAX_VALUE)
            .build();

    lockwatch.pipe(forever);

    assertThat(lockwatch.deadLetters())
        .extracting(record -> headers(record.headers()).get("__streams.errors.message"))
        .containsExactly(
            "lock event "
                + forever.getEventId()
                + ": heartbeatIntervalMs of 9223372036854775807 ms, at most 86400000 (one day)"
                + " allowed");
  }

  @Test
  void shouldCheckTheOtherLocksAndRetryWhenOneLocksCheckThrows() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
    lockwatch.acquire("poisoned.conf", NODE_4, 7, INTERVAL);
    lockwatch.advance(Duration.ofMillis(1));
    // Due 1 ms after the poisoned lock, in the same punctuation.
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    LockState poisoned = lockwatch.stored("poisoned.conf");
    poisoned.setLastHeartbeatObservedAt(null); // no deadline can be computed: the check throws
    lockwatch.storeDirectly(poisoned);
    lockwatch.states();

    lockwatch.advance(THRESHOLD.plusMillis(200));

    assertThat(lockwatch.commands()).extracting(ReclaimCommand::getLockId).containsExactly(LOCK);
    List<Alert> alerts = lockwatch.alerts();
    assertThat(alerts)
        .extracting(Alert::getReason)
        .containsExactlyInAnyOrder(AlertReason.CHECK_FAILED, AlertReason.STALE_LOCK_DETECTED);
    Alert failed =
        alerts.stream()
            .filter(alert -> alert.getReason() == AlertReason.CHECK_FAILED)
            .findFirst()
            .orElseThrow();
    assertThat(failed.getLockId()).isEqualTo("poisoned.conf");
    assertThat(failed.getMessage())
        .startsWith("Lockwatch could not check poisoned.conf (1 failure(s)");
    assertThat(lockwatch.metrics.checkFailures()).isEqualTo(1);

    // Retried every second, alerted on once a minute, until the state can be judged again.
    lockwatch.advanceInSteps(Duration.ofSeconds(3), Duration.ofMillis(500));
    assertThat(lockwatch.metrics.checkFailures()).isEqualTo(4);
    assertThat(lockwatch.alerts()).isEmpty();
    poisoned.setLastHeartbeatObservedAt(WatchdogHarness.START);
    lockwatch.storeDirectly(poisoned);
    lockwatch.advanceInSteps(Duration.ofSeconds(1), Duration.ofMillis(500));

    assertThat(lockwatch.commands())
        .extracting(ReclaimCommand::getLockId)
        .containsExactly("poisoned.conf");
    assertThat(lockwatch.stored("poisoned.conf").getStatus()).isEqualTo(LockStatus.RECLAIM_PENDING);
  }

  @Test
  void shouldFailTheTaskAndDeadLetterNothingWhenProcessingHitsABug() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
    lockwatch.acquire(NODE_7, 41, INTERVAL);
    LockState poisoned = lockwatch.stored(LOCK);
    poisoned.setLastHeartbeatObservedAt(null); // a bug's state: the next acquire throws
    lockwatch.storeDirectly(poisoned);

    assertThatThrownBy(() -> lockwatch.acquire(NODE_4, 42, INTERVAL))
        .hasStackTraceContaining("NullPointerException");

    assertThat(lockwatch.deadLetters()).isEmpty();
    assertThat(lockwatch.stored(LOCK).getFencingToken()).isEqualTo(41);
  }

  @Test
  void shouldFailAndNotDeadLetterWhenTheRegistryCannotBeReached() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
    lockwatch.appRegistry.down(true);

    assertThatThrownBy(() -> lockwatch.acquire(NODE_7, 41, INTERVAL))
        .hasStackTraceContaining("Cannot fetch schema");

    assertThat(lockwatch.deadLetters()).isEmpty();
    assertThat(lockwatch.metrics.registryUnavailableTotal()).isEqualTo(1);
    assertThat(lockwatch.metrics.deadLetters().values()).containsOnly(0L);
  }

  @Test
  void shouldDeadLetterAndAlertOncePerMinuteWhenInputsAreOnTheWrongPartition() {
    int partitions = 6;
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build(), partitions);
    // The test driver puts every record on partition 0.
    String misplaced =
        IntStream.range(0, 100)
            .mapToObj(i -> "lock-" + i)
            .filter(id -> LockPartitioner.partitionOf(id, partitions) != 0)
            .findFirst()
            .orElseThrow();
    String placed =
        IntStream.range(0, 100)
            .mapToObj(i -> "lock-" + i)
            .filter(id -> LockPartitioner.partitionOf(id, partitions) == 0)
            .findFirst()
            .orElseThrow();

    lockwatch.acquire(misplaced, NODE_7, 41, INTERVAL);
    lockwatch.heartbeat(misplaced, NODE_7, 41, lockwatch.now());
    lockwatch.acquire(placed, NODE_4, 3, INTERVAL);

    List<TestRecord<byte[], byte[]>> dead = lockwatch.deadLetters();
    assertThat(dead)
        .extracting(record -> headers(record.headers()).get("lockwatch.reason"))
        .containsExactly("MISPARTITIONED", "MISPARTITIONED");
    assertThat(headers(dead.get(0).headers()).get("__streams.errors.message"))
        .contains("from node-7 (host node-7.fleet.local) is on lockwatch.lock-events-0")
        .contains(
            "its key hashes to partition "
                + LockPartitioner.partitionOf(misplaced, partitions)
                + " of 6");
    List<Alert> alerts = lockwatch.alerts();
    assertThat(alerts)
        .extracting(Alert::getReason)
        .containsExactly(AlertReason.MISPARTITIONED_INPUT);
    assertThat(alerts.get(0).getMessage())
        .startsWith("node-7 (host node-7.fleet.local) published to lockwatch.lock-events-0")
        .endsWith("Set partitioner=murmur2_random in librdkafka-based clients");
    assertThat(lockwatch.stored(misplaced)).isNull();
    assertThat(lockwatch.stored(placed).getStatus()).isEqualTo(LockStatus.HELD);
    assertThat(lockwatch.metrics.deadLetters()).containsEntry("MISPARTITIONED", 2L);
  }

  @Test
  void shouldKeepTheStatusCountsEqualToTheStoreWhenLocksMove() {
    lockwatch = new WatchdogHarness(WatchdogHarness.policy().build());
    for (int i = 0; i < 5; i++) {
      lockwatch.acquire("lock-" + i, NODE_7, 10 + i, INTERVAL);
    }
    lockwatch.release(NODE_7, 1); // a release of a lock never seen: FREE
    lockwatch.advanceInSteps(Duration.ofSeconds(6), Duration.ofSeconds(1));
    lockwatch.heartbeat("lock-0", NODE_7, 10, lockwatch.now());
    lockwatch.heartbeat("lock-1", NODE_7, 11, lockwatch.now());
    lockwatch.advanceInSteps(Duration.ofSeconds(12), Duration.ofSeconds(1));

    Map<String, Long> counts = lockwatch.statusCounts();
    assertThat(counts).containsEntry("FREE", 1L).containsEntry("HELD", 2L);
    assertThat(counts).containsEntry("RECLAIM_PENDING", 3L);
    Map<String, Long> nonZero = new HashMap<>(counts);
    nonZero.values().removeIf(count -> count == 0);
    assertThat(nonZero).isEqualTo(lockwatch.statusCountsByScan());
  }

  private static Map<String, String> headers(Headers headers) {
    Map<String, String> values = new HashMap<>();
    for (Header header : headers) {
      values.put(
          header.key(),
          header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
    }
    return values;
  }
}
