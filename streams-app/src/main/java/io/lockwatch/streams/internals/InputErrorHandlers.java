package io.lockwatch.streams.internals;

import io.lockwatch.schemas.serde.AvroSerdeException;
import io.lockwatch.streams.WatchdogMetrics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Lockwatch does when an input cannot be used. It goes on past a record only when the record
 * is provably bad input; anything else stops the task, so that under exactly-once the record is
 * processed again rather than dropped (a dropped heartbeat could later reclaim a live lock).
 *
 * <ul>
 *   <li>Bad input (bytes that are not the wire format, an id the registry does not know, a payload
 *       that does not decode, a record that breaks the contract or sits on the wrong partition):
 *       dead-lettered, with its reason, and processing goes on.
 *   <li>A schema registry that cannot be reached: an outage, not bad input. The task fails; the app
 *       waits and replaces the stream thread, which reads the record again.
 *   <li>Anything else (a bug): the task fails, loudly.
 * </ul>
 */
public final class InputErrorHandlers {
  /** Config key under which the app hands the handlers its {@link WatchdogMetrics}. */
  public static final String METRICS_CONFIG = "lockwatch.internal.metrics";

  private static final Logger LOG = LoggerFactory.getLogger(InputErrorHandlers.class);

  private InputErrorHandlers() {}

  /** The registry outage behind {@code error}, if that is what it is. */
  public static Optional<AvroSerdeException> registryOutage(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof AvroSerdeException serde
          && serde.kind() == AvroSerdeException.Kind.REGISTRY_FAILURE) {
        return Optional.of(serde);
      }
    }
    return Optional.empty();
  }

  /** The contract violation behind {@code error}, if that is what it is. */
  static Optional<ContractViolation> contractViolation(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ContractViolation violation) {
        return Optional.of(violation);
      }
    }
    return Optional.empty();
  }

  /** Shared configuration of both handlers. */
  private abstract static class Base {
    String deadLetterTopic;
    WatchdogMetrics metrics;

    public void configure(Map<String, ?> configs) {
      Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
      if (topic == null) {
        throw new IllegalStateException(
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " is not set");
      }
      deadLetterTopic = topic.toString();
      metrics = configs.get(METRICS_CONFIG) instanceof WatchdogMetrics given ? given : null;
    }

    List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> deadLetter(
        ErrorHandlerContext context, byte[] key, byte[] value, String reason, Exception error) {
      LOG.warn(
          "Dead-lettering record {}-{}@{} ({}): {}",
          context.topic(),
          context.partition(),
          context.offset(),
          reason,
          error.getMessage());
      if (metrics != null) {
        metrics.deadLettered(reason);
      }
      return List.of(DeadLetterRecords.of(deadLetterTopic, context, key, value, reason, error));
    }
  }

  /** For records whose bytes cannot be turned into an input. */
  public static final class Deserialization extends Base
      implements DeserializationExceptionHandler {
    @Override
    public Response handleError(
        ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception error) {
      Optional<AvroSerdeException> outage = registryOutage(error);
      if (outage.isPresent()) {
        if (metrics != null) {
          metrics.registryUnavailable();
        }
        LOG.warn(
            "Cannot decode {}-{}@{}: the schema registry cannot be reached ({}); the record is"
                + " not skipped, the task waits and reads it again",
            context.topic(),
            context.partition(),
            context.offset(),
            outage.get().getMessage());
        return Response.fail();
      }
      if (error instanceof SerializationException) {
        return Response.resume(
            deadLetter(context, record.key(), record.value(), "UNDECODABLE", error));
      }
      LOG.error(
          "Unexpected failure decoding {}-{}@{}",
          context.topic(),
          context.partition(),
          context.offset(),
          error);
      return Response.fail();
    }
  }

  /** For inputs that decoded but cannot be processed. */
  public static final class Processing extends Base implements ProcessingExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception error) {
      Optional<ContractViolation> violation = contractViolation(error);
      // An input (not a punctuation) that breaks the contract: dead-letter it as it came, a null
      // value (a tombstone) included, or one record would stop the watchdog.
      if (violation.isPresent() && context.topic() != null) {
        return Response.resume(
            deadLetter(
                context,
                context.sourceRawKey(),
                context.sourceRawValue(),
                violation.get().reason(),
                violation.get()));
      }
      LOG.error(
          "Processing failed at {}-{}@{} (node {}); failing the task so that the input is processed"
              + " again, not dropped",
          context.topic(),
          context.partition(),
          context.offset(),
          context.processorNodeId(),
          error);
      return Response.fail();
    }
  }
}
