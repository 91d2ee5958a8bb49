package io.lockwatch.schemas.serde;

/**
 * The Confluent wire format: magic byte 0, the writer schema's registry id as a 4-byte big-endian
 * integer, then the Avro binary encoding of the record.
 */
public final class WireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  static void writeHeader(byte[] target, int schemaId) {
    target[0] = MAGIC_BYTE;
    target[1] = (byte) (schemaId >>> 24);
    target[2] = (byte) (schemaId >>> 16);
    target[3] = (byte) (schemaId >>> 8);
    target[4] = (byte) schemaId;
  }

  /** The schema id in a payload's header; the caller has checked the length and magic byte. */
  public static int schemaId(byte[] payload) {
    return ((payload[1] & 0xff) << 24)
        | ((payload[2] & 0xff) << 16)
        | ((payload[3] & 0xff) << 8)
        | (payload[4] & 0xff);
  }
}
