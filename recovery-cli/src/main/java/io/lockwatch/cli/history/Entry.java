package io.lockwatch.cli.history;

import io.lockwatch.events.Alert;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import java.time.Instant;
import java.util.Comparator;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record of a lock's history: a lock event, an alert, a reclaim command or an operator action,
 * with where it was read from. {@code time} is the record's timestamp: the event's own time for
 * lock events (the publisher sets it), Lockwatch's clock for alerts and commands.
 */
public record Entry(
    Instant time,
    Kind kind,
    String lockId,
    String topic,
    int partition,
    long offset,
    SpecificRecord value) {

  /** Time order; records of one time keep the order of the topics' roles, then their offsets. */
  public static final Comparator<Entry> TIME_ORDER =
      (a, b) -> {
        int order = a.time.compareTo(b.time);
        if (order != 0) {
          return order;
        }
        order = a.kind.compareTo(b.kind);
        if (order != 0) {
          return order;
        }
        order = Integer.compare(a.partition, b.partition);
        return order != 0 ? order : Long.compare(a.offset, b.offset);
      };

  /** What an entry is, in the order entries of the same millisecond are shown. */
  public enum Kind {
    EVENT,
    ACTION,
    ALERT,
    COMMAND;

    public static Kind of(SpecificRecord value) {
      if (value instanceof LockEvent) {
        return EVENT;
      } else if (value instanceof OperatorAction) {
        return ACTION;
      } else if (value instanceof Alert) {
        return ALERT;
      } else if (value instanceof ReclaimCommand) {
        return COMMAND;
      }
      throw new IllegalArgumentException("Not a history record: " + value.getClass().getName());
    }
  }

  public static Entry of(
      Instant time, String topic, int partition, long offset, SpecificRecord value) {
    Kind kind = Kind.of(value);
    String lockId =
        switch (kind) {
          case EVENT -> ((LockEvent) value).getLockId();
          case ACTION -> ((OperatorAction) value).getLockId();
          case ALERT -> ((Alert) value).getLockId();
          case COMMAND -> ((ReclaimCommand) value).getLockId();
        };
    return new Entry(time, kind, lockId, topic, partition, offset, value);
  }

  /** The holder the record is about, or null (operator actions, some alerts). */
  public HolderIdentity holder() {
    return switch (kind) {
      case EVENT -> ((LockEvent) value).getHolder();
      case ALERT -> ((Alert) value).getHolder();
      case COMMAND -> ((ReclaimCommand) value).getHolder();
      case ACTION -> null;
    };
  }

  /** The fencing token the record carries, or null. */
  public Long token() {
    return switch (kind) {
      case EVENT -> ((LockEvent) value).getFencingToken();
      case ALERT -> ((Alert) value).getFencingToken();
      case COMMAND -> ((ReclaimCommand) value).getFencingToken();
      case ACTION -> ((OperatorAction) value).getFencingToken();
    };
  }

  public LockEvent event() {
    return (LockEvent) value;
  }

  public Alert alert() {
    return (Alert) value;
  }

  public ReclaimCommand command() {
    return (ReclaimCommand) value;
  }

  public OperatorAction action() {
    return (OperatorAction) value;
  }
}
