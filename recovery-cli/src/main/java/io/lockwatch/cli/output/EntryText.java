package io.lockwatch.cli.output;

import io.lockwatch.cli.history.Entry;
import io.lockwatch.events.Alert;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import java.time.Duration;
import java.util.Locale;

/** One history entry as a line a person reads: what happened, to which lock, by whom. */
public final class EntryText {
  private EntryText() {}

  /** "node-7/4242", or "-". */
  public static String holder(HolderIdentity holder) {
    return holder == null ? "-" : holder.getNodeId() + "/" + holder.getPid();
  }

  /** What happened, in a few words: "acquired", "heartbeat", "alert ZOMBIE_HEARTBEAT". */
  public static String what(Entry entry) {
    return switch (entry.kind()) {
      case EVENT -> entry.event().getType().name().toLowerCase(Locale.ROOT).replace('_', ' ');
      case ALERT -> "alert " + entry.alert().getReason();
      case COMMAND -> "reclaim command";
      case ACTION -> "operator " + entry.action().getType();
    };
  }

  /** The facts that matter for this kind of entry. */
  public static String details(Entry entry) {
    return switch (entry.kind()) {
      case EVENT -> event(entry.event());
      case ALERT -> alert(entry.alert());
      case COMMAND -> command(entry.command());
      case ACTION -> action(entry.action());
    };
  }

  private static String event(LockEvent event) {
    StringBuilder text = new StringBuilder("seq ").append(event.getSequence());
    if (event.getHeartbeatIntervalMs() != null) {
      text.append(", heartbeat every ")
          .append(Times.duration(Duration.ofMillis(event.getHeartbeatIntervalMs())));
    }
    if (event.getActor() != null) {
      text.append(", by ").append(event.getActor());
    }
    if (event.getCommandId() != null) {
      text.append(", command ").append(event.getCommandId());
    }
    if (event.getReason() != null) {
      text.append(": ").append(event.getReason());
    }
    return text.toString();
  }

  private static String alert(Alert alert) {
    return alert.getSeverity() + ": " + alert.getMessage();
  }

  private static String command(ReclaimCommand command) {
    StringBuilder text =
        new StringBuilder(command.getCommandId())
            .append(", ")
            .append(command.getReason())
            .append(", policy ")
            .append(command.getPolicy())
            .append(", last heartbeat seq ")
            .append(command.getLastHeartbeatSequence())
            .append(", frozen ")
            .append(Times.duration(Duration.ofMillis(command.getFrozenForMs())))
            .append(" (threshold ")
            .append(Times.duration(Duration.ofMillis(command.getThresholdMs())))
            .append(')');
    if (command.getRequestedBy() != null) {
      text.append(", requested by ").append(command.getRequestedBy());
    }
    if (command.getApprovedBy() != null) {
      text.append(", approved by ").append(command.getApprovedBy());
    }
    return text.toString();
  }

  private static String action(OperatorAction action) {
    return "by "
        + action.getOperator()
        + (action.getCommandId() != null ? ", command " + action.getCommandId() : "")
        + (action.getReason() != null ? ": " + action.getReason() : "");
  }

  /** A lock's state in one phrase: "HELD by node-7/4242 (token 41) since 03:10:00.000". */
  public static String state(LockState state, Times times) {
    if (state == null) {
      return "never seen";
    }
    String token = "token " + state.getFencingToken();
    return switch (state.getStatus()) {
      case FREE ->
          "FREE since "
              + times.full(state.getReleasedAt())
              + " (last "
              + token
              + (state.getHolder() != null ? ", " + holder(state.getHolder()) : "")
              + ")";
      default ->
          state.getStatus()
              + " by "
              + holder(state.getHolder())
              + " ("
              + token
              + ") since "
              + times.full(state.getAcquiredAt())
              + ", last heartbeat "
              + times.full(state.getLastHeartbeatAt());
    };
  }
}
