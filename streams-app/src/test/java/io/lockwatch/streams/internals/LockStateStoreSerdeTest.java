package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimPolicy;
import java.time.Instant;
import java.util.Arrays;
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
            33_720L);

    assertThat(roundTrip(full)).isEqualTo(full);
  }

  @Test
  void shouldReadAVersion1RecordWithTheFixedDetectorAndNoEstimateWhenStoredBeforeDetectors() {
    LockState sparse = sparse("written-by-0.1", 90_000L);
    byte[] v2 = serde.serializer().serialize("t", sparse);
    // Version 1 ends where version 2's six new fields begin: the detector (1 byte), three null
    // doubles (1 byte each), a long (8) and a null long (1).
    byte[] v1 = Arrays.copyOf(v2, v2.length - 13);
    v1[0] = 1;

    LockState read = serde.deserializer().deserialize("t", v1);

    assertThat(read).isEqualTo(sparse);
    assertThat(read.getDetector()).isNull();
    assertThat(read.getHeartbeatSamples()).isZero();
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
        null);
  }

  private LockState roundTrip(LockState state) {
    return serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));
  }
}
