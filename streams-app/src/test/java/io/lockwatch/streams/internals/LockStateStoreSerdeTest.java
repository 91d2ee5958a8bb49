package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.events.ReclaimReason;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class LockStateStoreSerdeTest {

  private final LockStateStoreSerde serde = new LockStateStoreSerde();

  @Test
  void shouldRoundTripEveryFieldWhenAllAreSet() {
    Instant t = Instant.parse("2026-11-23T03:12:00.123Z");
    LockState full =
        new LockState(
            "aim_lock_config.conf",
            LockStatus.RECLAIM_PENDING,
            new HolderIdentity("node-7", "node-7.fleet.local", 4242L, "b3f1c2d4"),
            41L,
            t.minusSeconds(120),
            t,
            t.plusMillis(5),
            4L,
            30_000L,
            90_000L,
            ReclaimPolicy.HOLD,
            t.plusSeconds(90),
            "cmd-1",
            t.plusSeconds(91),
            t.plusSeconds(95),
            t.plusSeconds(151),
            "event-9",
            t.plusSeconds(91),
            "accrual",
            30_012.5,
            412.25,
            2_950.0,
            17L,
            33_720L,
            incident(t),
            "aim_lock_config.conf@41");

    assertThat(roundTrip(full)).isEqualTo(full);
  }

  @Test
  void shouldReadAVersion1RecordWithTheFixedDetectorAndNoEstimateWhenStoredBeforeDetectors() {
    LockState sparse = sparse("written-by-0.1", 90_000L);
    byte[] v2 = serde.serializer().serialize("t", sparse);
    // Version 1 ends where version 2's six new fields begin: the detector (1 byte), three null
    // doubles (1 byte each), a long (8) and a null long (1); then version 3's incident byte.
    byte[] v1 = Arrays.copyOf(v2, v2.length - 13 - 1);
    v1[0] = 1;

    LockState read = serde.deserializer().deserialize("t", v1);

    assertThat(read).isEqualTo(sparse);
    assertThat(read.getDetector()).isNull();
    assertThat(read.getHeartbeatSamples()).isZero();
  }

  @Test
  void shouldReadAVersion2RecordWithNoIncidentWhenStoredBeforeIncidents() {
    LockState sparse = sparse("written-by-0.2", 90_000L);
    byte[] v3 = serde.serializer().serialize("t", sparse);
    byte[] v2 = Arrays.copyOf(v3, v3.length - 1);
    v2[0] = 2;

    LockState read = serde.deserializer().deserialize("t", v2);

    assertThat(read).isEqualTo(sparse);
    assertThat(read.getIncident()).isNull();
  }

  @Test
  void shouldRoundTripNullsWhenOptionalFieldsAreEmpty() {
    LockState sparse = sparse("ünïcode/lock", 30_000L);

    assertThat(roundTrip(sparse)).isEqualTo(sparse);
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void shouldRaiseWhenTheRecordIsCutShortOrOfAnotherVersion() {
    LockState sparse = sparse("x", 1L);
    byte[] bytes = serde.serializer().serialize("t", sparse);

    assertThatThrownBy(
            () -> serde.deserializer().deserialize("t", Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Corrupt lock-state store record");
    bytes[0] = 9;
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Lock-state store record of unknown format version 9");
  }

  private static Incident incident(Instant t) {
    Map<String, String> evidence = new HashMap<>();
    evidence.put("lastHeartbeat", "event-9 at lockwatch.lock-events-3@1200");
    return Incident.newBuilder()
        .setIncidentId("aim_lock_config.conf@41")
        .setLockId("aim_lock_config.conf")
        .setFencingToken(41)
        .setHolder(new HolderIdentity("node-7", "node-7.fleet.local", 4242L, "b3f1c2d4"))
        .setCause(ReclaimReason.HEARTBEAT_FROZEN)
        .setState(IncidentState.RECLAIM_ISSUED)
        .setSeverity(AlertSeverity.WARNING)
        .setRevision(2)
        .setThresholdMs(90_000)
        .setLastHeartbeatObservedAt(t.plusMillis(5))
        .setStaleSince(t.plusSeconds(90))
        .setDetectedAt(t.plusSeconds(91))
        .setTimeToDetectMs(90_995)
        .setCommandId("cmd-1")
        .setReviewAt(t.plusSeconds(391))
        .setUpdatedAt(t.plusSeconds(91))
        .setEvidence(evidence)
        .build();
  }

  /** A never-held, free lock: every optional field empty. */
  private static LockState sparse(String lockId, long thresholdMs) {
    return new LockState(
        lockId,
        LockStatus.FREE,
        null,
        0L,
        null,
        null,
        null,
        -1L,
        null,
        thresholdMs,
        ReclaimPolicy.AUTO,
        null,
        null,
        null,
        null,
        null,
        null,
        Instant.EPOCH,
        null,
        null,
        null,
        null,
        0L,
        null,
        null,
        null);
  }

  private LockState roundTrip(LockState state) {
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));
  }
}
