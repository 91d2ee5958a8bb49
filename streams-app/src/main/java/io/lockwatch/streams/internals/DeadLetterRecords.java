package io.lockwatch.streams.internals;

import io.lockwatch.schemas.topics.DeadLetterHeaders;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds the dead-letter record for an input Lockwatch refuses: the original key and value, with
 * headers naming where it came from, the reason class and the error (Kafka Streams' own header
 * names, so that tools reading its dead-letter queues read ours).
 *
 * <p>Bounded: a key or value over {@link #MAX_PAYLOAD_BYTES} is cut to that length (the original
 * length is in a header), and so are the message and stack trace, so that a dead letter always fits
 * a broker's message size. Without the bound, the one oversized record the dead-letter topic exists
 * for would fail the app in the producer instead.
 */
public final class DeadLetterRecords {
  public static final String HEADER_TOPIC = DeadLetterHeaders.TOPIC;
  public static final String HEADER_PARTITION = DeadLetterHeaders.PARTITION;
  public static final String HEADER_OFFSET = DeadLetterHeaders.OFFSET;
  public static final String HEADER_EXCEPTION = DeadLetterHeaders.EXCEPTION;
  public static final String HEADER_MESSAGE = DeadLetterHeaders.MESSAGE;
  public static final String HEADER_STACKTRACE = DeadLetterHeaders.STACKTRACE;
  public static final String HEADER_REASON = DeadLetterHeaders.REASON;
  public static final String HEADER_KEY_BYTES = DeadLetterHeaders.KEY_BYTES;
  public static final String HEADER_VALUE_BYTES = DeadLetterHeaders.VALUE_BYTES;

  static final int MAX_PAYLOAD_BYTES = 64 * 1024;
  private static final int MAX_TEXT_CHARS = 4 * 1024;

  private DeadLetterRecords() {}

  /** The dead letter of the record {@code context} describes. */
  public static ProducerRecord<byte[], byte[]> of(
      String deadLetterTopic,
      ErrorHandlerContext context,
      byte[] key,
      byte[] value,
      String reason,
      Exception error) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(HEADER_TOPIC, utf8(context.topic()));
    headers.add(HEADER_PARTITION, utf8(Integer.toString(context.partition())));
    headers.add(HEADER_OFFSET, utf8(Long.toString(context.offset())));
    headers.add(HEADER_EXCEPTION, utf8(error.getClass().getName()));
    headers.add(HEADER_MESSAGE, utf8(cut(String.valueOf(error.getMessage()))));
    headers.add(HEADER_STACKTRACE, utf8(cut(stackTrace(error))));
    headers.add(HEADER_REASON, utf8(reason));
    if (key != null && key.length > MAX_PAYLOAD_BYTES) {
      headers.add(HEADER_KEY_BYTES, utf8(Integer.toString(key.length)));
    }
    if (value != null && value.length > MAX_PAYLOAD_BYTES) {
      headers.add(HEADER_VALUE_BYTES, utf8(Integer.toString(value.length)));
    }
    return new ProducerRecord<>(deadLetterTopic, null, null, bounded(key), bounded(value), headers);
  }

  private static byte[] bounded(byte[] bytes) {
    return bytes == null || bytes.length <= MAX_PAYLOAD_BYTES
        ? bytes
        : Arrays.copyOf(bytes, MAX_PAYLOAD_BYTES);
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS) + "...";
  }

  private static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    error.printStackTrace(new PrintWriter(text));
    return text.toString();
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }
}
