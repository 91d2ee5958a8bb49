package io.lockwatch.streams.internals;

import java.util.List;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.errors.TaskMigratedException;

/**
 * What a stream thread's death says, and so what the app does about it.
 *
 * <ul>
 *   <li>{@link #REGISTRY_OUTAGE}: a record could not be decoded because the schema registry cannot
 *       be reached: wait, then a new thread reads it again.
 *   <li>{@link #FENCED}: Kafka took this thread's work away because it was paused or cut off for
 *       longer than its session or transaction timeout (a long GC, a stopped process, a VM pause, a
 *       broker or network outage): {@code TaskMigratedException}, {@code ProducerFencedException},
 *       {@code InvalidTxnStateException} after a fencing, timeouts. Kafka's own advice for these is
 *       a new thread, which rejoins the group and takes its tasks back from the last commit; under
 *       exactly-once nothing is lost. The instance keeps watching.
 *   <li>{@link #BUG}: anything else, including another instance using this one's {@code
 *       group.instance.id}: stop this instance and exit 1 so that a crash loop is loud.
 * </ul>
 */
public enum StreamThreadFailure {
  REGISTRY_OUTAGE,
  FENCED,
  BUG;

  private static final List<Class<? extends Throwable>> FENCING =
      List.of(
          TaskMigratedException.class,
          TaskCorruptedException.class,
          ProducerFencedException.class,
          InvalidProducerEpochException.class,
          InvalidTxnStateException.class,
          TransactionAbortableException.class,
          UnknownProducerIdException.class,
          CommitFailedException.class,
          RebalanceInProgressException.class,
          CoordinatorNotAvailableException.class,
          NotCoordinatorException.class,
          DisconnectException.class,
          TimeoutException.class);

  /** Classifies a stream thread's uncaught exception by its causes. */
  public static StreamThreadFailure of(Throwable error) {
    if (InputErrorHandlers.registryOutage(error).isPresent()) {
      return REGISTRY_OUTAGE;
    }
    boolean fenced = false;
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof FencedInstanceIdException) {
        // Two live instances with one static identity: a deployment error, not a pause.
        return BUG;
      }
      for (Class<? extends Throwable> kind : FENCING) {
        if (kind.isInstance(cause)) {
          fenced = true;
        }
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return fenced ? FENCED : BUG;
  }
}
