package io.lockwatch.schemas.topics;

/**
 * The headers of a record on the dead-letter topic: where the refused input came from, why, and the
 * error (Kafka Streams' own header names, so its tooling reads them too), plus Lockwatch's reason
 * class and the original sizes of a cut key or value.
 */
public final class DeadLetterHeaders {
  public static final String TOPIC = "__streams.errors.topic";
  public static final String PARTITION = "__streams.errors.partition";
  public static final String OFFSET = "__streams.errors.offset";
  public static final String EXCEPTION = "__streams.errors.exception";
  public static final String MESSAGE = "__streams.errors.message";
  public static final String STACKTRACE = "__streams.errors.stacktrace";

  /** Why, as a class: UNDECODABLE, CONTRACT_VIOLATION, MISPARTITIONED. */
  public static final String REASON = "lockwatch.reason";

  public static final String KEY_BYTES = "lockwatch.original.key.bytes";
  public static final String VALUE_BYTES = "lockwatch.original.value.bytes";

  private DeadLetterHeaders() {}
}
