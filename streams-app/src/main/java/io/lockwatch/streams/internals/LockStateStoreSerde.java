package io.lockwatch.streams.internals;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The lock-state store's own encoding: written and read on every heartbeat, so it is a plain
 * length-prefixed binary layout instead of Avro (which dominated the heartbeat path's profile).
 * Internal only: the store and its changelog topic. The public lock-state topic carries the Avro
 * contract. The first byte is the format version; enums are stored by name, so reordering a
 * contract enum's symbols cannot corrupt stored state.
 */
public final class LockStateStoreSerde implements Serde<LockState> {
  /**
   * 2 adds the detector and the learned rhythm; 3 the open incident (Avro binary: rare, and read
   * back whole) and the last incident's id. Versions 1 and 2 are still read.
   */
  static final byte VERSION = 3;

  @Override
  public Serializer<LockState> serializer() {
    return (topic, state) -> state == null ? null : encode(state);
  }

  @Override
  public Deserializer<LockState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  static byte[] encode(LockState state) {
    Writer out = new Writer();
    out.writeByte(VERSION);
    out.writeString(state.getLockId());
    out.writeString(state.getStatus().name());
    HolderIdentity holder = state.getHolder();
    out.writeBoolean(holder != null);
    if (holder != null) {
      out.writeString(holder.getNodeId());
      out.writeString(holder.getHost());
      out.writeLong(holder.getPid());
      out.writeString(holder.getIncarnation());
    }
    out.writeLong(state.getFencingToken());
    out.writeInstant(state.getAcquiredAt());
    out.writeInstant(state.getLastHeartbeatAt());
    out.writeInstant(state.getLastHeartbeatObservedAt());
    out.writeLong(state.getLastSequence());
    out.writeNullableLong(state.getHeartbeatIntervalMs());
    out.writeLong(state.getThresholdMs());
    out.writeString(state.getPolicy().name());
    out.writeInstant(state.getStaleSince());
    out.writeString(state.getLastReclaimCommandId());
    out.writeInstant(state.getLastReclaimIssuedAt());
    out.writeInstant(state.getReleasedAt());
    out.writeInstant(state.getNextCheckAt());
    out.writeString(state.getLastEventId());
    out.writeInstant(state.getUpdatedAt());
    out.writeByte(detectorCode(state.getDetector()));
    out.writeNullableDouble(state.getHeartbeatMeanMs());
    out.writeNullableDouble(state.getHeartbeatDeviationMs());
    out.writeNullableDouble(state.getHeartbeatLongestGapMs());
    out.writeLong(state.getHeartbeatSamples());
    out.writeNullableLong(state.getSuspectAfterMs());
    // One byte on every heartbeat's write when the lock never had an incident: which follow.
    int incidentFields =
        (state.getLastIncidentId() != null ? 1 : 0) | (state.getIncident() != null ? 2 : 0);
    out.writeByte(incidentFields);
    if (state.getLastIncidentId() != null) {
      out.writeString(state.getLastIncidentId());
    }
    if (state.getIncident() != null) {
      out.writeBytes(IncidentStoreSerde.encode(state.getIncident()));
    }
    return out.toByteArray();
  }

  static LockState decode(byte[] bytes) {
    Reader in = new Reader(bytes);
    byte version = in.readByte();
    if (version < 1 || version > VERSION) {
      throw new SerializationException(
          "Lock-state store record of unknown format version " + version);
    }
    try {
      String lockId = in.readString();
      LockStatus status = LockStatus.valueOf(in.readString());
      HolderIdentity holder = null;
      if (in.readBoolean()) {
        holder =
            new HolderIdentity(in.readString(), in.readString(), in.readLong(), in.readString());
      }
      long token = in.readLong();
      Instant acquiredAt = in.readInstant();
      Instant lastHeartbeatAt = in.readInstant();
      Instant observedAt = in.readInstant();
      long lastSequence = in.readLong();
      Long interval = in.readNullableLong();
      long threshold = in.readLong();
      ReclaimPolicy policy = ReclaimPolicy.valueOf(in.readString());
      Instant staleSince = in.readInstant();
      String lastCommandId = in.readString();
      Instant lastIssuedAt = in.readInstant();
      Instant releasedAt = in.readInstant();
      Instant nextCheckAt = in.readInstant();
      String lastEventId = in.readString();
      Instant updatedAt = in.readInstant();
      String detector = null;
      Double mean = null;
      Double deviation = null;
      Double longestGap = null;
      long samples = 0;
      Long suspectAfter = null;
      if (version >= 2) {
        detector = detector(in.readByte());
        mean = in.readNullableDouble();
        deviation = in.readNullableDouble();
        longestGap = in.readNullableDouble();
        samples = in.readLong();
        suspectAfter = in.readNullableLong();
      }
      String lastIncidentId = null;
      Incident incident = null;
      if (version >= 3) {
        int incidentFields = in.readByte();
        if ((incidentFields & 1) != 0) {
          lastIncidentId = in.readString();
        }
        if ((incidentFields & 2) != 0) {
          incident = IncidentStoreSerde.decode(in.readBytes());
        }
      }
      in.expectEnd();
      return new LockState(
          lockId,
          status,
          holder,
          token,
          acquiredAt,
          lastHeartbeatAt,
          observedAt,
          lastSequence,
          interval,
          threshold,
          policy,
          staleSince,
          lastCommandId,
          lastIssuedAt,
          releasedAt,
          nextCheckAt,
          lastEventId,
          updatedAt,
          detector,
          mean,
          deviation,
          longestGap,
          samples,
          suspectAfter,
          incident,
          lastIncidentId);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new SerializationException("Corrupt lock-state store record: " + e.getMessage(), e);
    }
  }

  /** The detector as one byte: it is written on every heartbeat, and read back as a constant. */
  private static int detectorCode(String detector) {
    if (detector == null) {
      return 0;
    }
    return switch (detector) {
      case "fixed" -> 1;
      case "accrual" -> 2;
      default -> throw new SerializationException("Unknown detector " + detector);
    };
  }

  private static String detector(byte code) {
    return switch (code) {
      case 0 -> null;
      case 1 -> "fixed";
      case 2 -> "accrual";
      default -> throw new IllegalArgumentException("unknown detector code " + code);
    };
  }

  /** A growable byte buffer with the few primitives the layout needs. */
  private static final class Writer {
    private byte[] buffer = new byte[256];
    private int size;

    void writeByte(int value) {
      ensure(1);
      buffer[size++] = (byte) value;
    }

    void writeBoolean(boolean value) {
      writeByte(value ? 1 : 0);
    }

    void writeLong(long value) {
      ensure(Long.BYTES);
      for (int shift = 56; shift >= 0; shift -= 8) {
        buffer[size++] = (byte) (value >>> shift);
      }
    }

    void writeNullableLong(Long value) {
      writeBoolean(value != null);
      if (value != null) {
        writeLong(value);
      }
    }

    void writeNullableDouble(Double value) {
      writeNullableLong(value == null ? null : Double.doubleToRawLongBits(value));
    }

    void writeInstant(Instant value) {
      writeNullableLong(value == null ? null : value.toEpochMilli());
    }

    /** -1 length for null, else UTF-8 bytes behind a 4-byte length. */
    void writeString(String value) {
      if (value == null) {
        writeInt(-1);
        return;
      }
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      writeInt(utf8.length);
      ensure(utf8.length);
      System.arraycopy(utf8, 0, buffer, size, utf8.length);
      size += utf8.length;
    }

    /** -1 length for null, else the bytes behind a 4-byte length. */
    void writeBytes(byte[] value) {
      if (value == null) {
        writeInt(-1);
        return;
      }
      writeInt(value.length);
      ensure(value.length);
      System.arraycopy(value, 0, buffer, size, value.length);
      size += value.length;
    }

    private void writeInt(int value) {
      ensure(Integer.BYTES);
      buffer[size++] = (byte) (value >>> 24);
      buffer[size++] = (byte) (value >>> 16);
      buffer[size++] = (byte) (value >>> 8);
      buffer[size++] = (byte) value;
    }

    private void ensure(int more) {
      if (size + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buffer, size);
    }
  }

  /** Reads what {@link Writer} wrote; out-of-range reads throw IndexOutOfBoundsException. */
  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    byte readByte() {
      if (position >= bytes.length) {
        throw new IndexOutOfBoundsException("record ends early");
      }
      return bytes[position++];
    }

    boolean readBoolean() {
      return readByte() != 0;
    }

    long readLong() {
      long value = 0;
      for (int i = 0; i < Long.BYTES; i++) {
        value = (value << 8) | (readByte() & 0xff);
      }
      return value;
    }

    Long readNullableLong() {
      return readBoolean() ? readLong() : null;
    }

    Double readNullableDouble() {
      Long bits = readNullableLong();
      return bits == null ? null : Double.longBitsToDouble(bits);
    }

    Instant readInstant() {
      Long millis = readNullableLong();
      return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    String readString() {
      int length =
          (readByte() & 0xff) << 24
              | (readByte() & 0xff) << 16
              | (readByte() & 0xff) << 8
              | (readByte() & 0xff);
      if (length == -1) {
        return null;
      }
      if (length < 0 || position + length > bytes.length) {
        throw new IndexOutOfBoundsException("string of " + length + " bytes runs past the record");
      }
      String value = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return value;
    }

    byte[] readBytes() {
      int length = readInt();
      if (length == -1) {
        return null;
      }
      if (length < 0 || position + length > bytes.length) {
        throw new IndexOutOfBoundsException("bytes of " + length + " run past the record");
      }
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return value;
    }

    private int readInt() {
      return (readByte() & 0xff) << 24
          | (readByte() & 0xff) << 16
          | (readByte() & 0xff) << 8
          | (readByte() & 0xff);
    }

    void expectEnd() {
      if (position != bytes.length) {
        throw new IndexOutOfBoundsException(
            (bytes.length - position) + " unread bytes after the record");
      }
    }
  }
}
