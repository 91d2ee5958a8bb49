package io.lockwatch.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record could not be encoded or decoded. Says what was wrong ({@link #kind()}) and where: the
 * topic, and the partition and offset when the caller knew them (-1 otherwise), so that a
 * dead-letter handler or an operator can find the record.
 */
public final class AvroSerdeException extends SerializationException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Kind {
    /** The first byte is not the Confluent wire format's magic byte 0. */
    BAD_MAGIC_BYTE,
    /** The payload ends before its header or before the record is complete. */
    TRUNCATED_PAYLOAD,
    /** The registry has no schema with the id in the header. */
    UNKNOWN_SCHEMA_ID,
    /**
     * The payload does not decode with its writer schema (corrupt, or extra bytes after the
     * record).
     */
    MALFORMED_PAYLOAD,
    /** The writer's schema cannot be read as the reader's schema. */
    INCOMPATIBLE_SCHEMA,
    /** Auto-registration is off and the schema is not registered under the subject. */
    SCHEMA_NOT_REGISTERED,
    /** The registry could not be reached or refused the request. */
    REGISTRY_FAILURE
  }

  private final Kind kind;
  private final String topic;
  private final int partition;
  private final long offset;
  private final int schemaId;

  AvroSerdeException(
      Kind kind,
      String detail,
      String topic,
      int partition,
      long offset,
      int schemaId,
      Throwable cause) {
    super(
        detail
            + " ("
            + where(topic, partition, offset)
            + (schemaId >= 0 ? ", schema id " + schemaId : "")
            + ")",
        cause);
    this.kind = kind;
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.schemaId = schemaId;
  }

  public Kind kind() {
    return kind;
  }

  public String topic() {
    return topic;
  }

  /** The partition, or -1 when not known. */
  public int partition() {
    return partition;
  }

  /** The offset, or -1 when not known. */
  public long offset() {
    return offset;
  }

  /** The schema id from the header, or -1 when there was none. */
  public int schemaId() {
    return schemaId;
  }

  private static String where(String topic, int partition, long offset) {
    if (partition >= 0 && offset >= 0) {
      return "record " + topic + "-" + partition + "@" + offset;
    }
    if (partition >= 0) {
      return "record on " + topic + "-" + partition;
    }
    return "record on topic " + topic;
  }
}
