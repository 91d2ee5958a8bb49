package io.lockwatch.schemas.contract;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.OperatorAction;
import java.util.Map;
import java.util.Optional;

/**
 * The bounds the contract puts on every free-form field of the inputs, as docs/event-contract.md
 * documents them. They keep every record Lockwatch writes (its state, changelogs, alerts, commands,
 * dead letters) far below a broker's message size, so that no single input can stop the app: an
 * input over a bound is refused by the publishers and dead-lettered by the streams app.
 *
 * <p>Lengths are in characters (UTF-16 code units, as {@link String#length()} counts them).
 */
public final class ContractLimits {
  public static final int MAX_LOCK_ID_LENGTH = 1024;
  public static final int MAX_ID_LENGTH = 128;
  public static final int MAX_NAME_LENGTH = 255;
  public static final int MAX_REASON_LENGTH = 1024;
  public static final long MAX_HEARTBEAT_INTERVAL_MS = 86_400_000L;
  public static final int MAX_ATTRIBUTES = 16;
  public static final int MAX_ATTRIBUTE_KEY_LENGTH = 64;
  public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 256;

  private ContractLimits() {}

  /** What in this lock event is over a bound, if anything (the first violation found). */
  public static Optional<String> violation(LockEvent event) {
    return first(
        text("lockId", event.getLockId(), MAX_LOCK_ID_LENGTH),
        text("eventId", event.getEventId(), MAX_ID_LENGTH),
        holderViolation(event.getHolder()),
        text("reason", event.getReason(), MAX_REASON_LENGTH),
        text("commandId", event.getCommandId(), MAX_ID_LENGTH),
        text("actor", event.getActor(), MAX_NAME_LENGTH),
        intervalViolation(event.getHeartbeatIntervalMs()),
        attributeViolation(event.getAttributes()),
        tokenViolation(event.getFencingToken()));
  }

  /** What in this operator action is over a bound, if anything (the first violation found). */
  public static Optional<String> violation(OperatorAction action) {
    return first(
        text("lockId", action.getLockId(), MAX_LOCK_ID_LENGTH),
        text("actionId", action.getActionId(), MAX_ID_LENGTH),
        text("operator", action.getOperator(), MAX_NAME_LENGTH),
        text("reason", action.getReason(), MAX_REASON_LENGTH),
        text("commandId", action.getCommandId(), MAX_ID_LENGTH),
        tokenViolation(action.getFencingToken()));
  }

  /** Fencing tokens are positive: 0 and below name no holding. */
  public static Optional<String> tokenViolation(long token) {
    return token > 0
        ? Optional.empty()
        : Optional.of("fencing token " + token + "; tokens are positive");
  }

  /** What is wrong with these attributes, if anything. */
  public static Optional<String> attributeViolation(Map<String, String> attributes) {
    if (attributes.size() > MAX_ATTRIBUTES) {
      return Optional.of(attributes.size() + " attributes, at most " + MAX_ATTRIBUTES + " allowed");
    }
    for (Map.Entry<String, String> entry : attributes.entrySet()) {
      if (entry.getKey().length() > MAX_ATTRIBUTE_KEY_LENGTH) {
        return Optional.of(
            "attribute key of "
                + entry.getKey().length()
                + " characters, at most "
                + MAX_ATTRIBUTE_KEY_LENGTH
                + " allowed");
      }
      if (entry.getValue() != null && entry.getValue().length() > MAX_ATTRIBUTE_VALUE_LENGTH) {
        return Optional.of(
            "attribute "
                + entry.getKey()
                + " has "
                + entry.getValue().length()
                + " characters, at most "
                + MAX_ATTRIBUTE_VALUE_LENGTH
                + " allowed");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> holderViolation(HolderIdentity holder) {
    if (holder == null) {
      return Optional.empty();
    }
    return first(
        text("holder.nodeId", holder.getNodeId(), MAX_NAME_LENGTH),
        text("holder.host", holder.getHost(), MAX_NAME_LENGTH),
        text("holder.incarnation", holder.getIncarnation(), MAX_ID_LENGTH));
  }

  private static Optional<String> intervalViolation(Long intervalMs) {
    if (intervalMs == null || intervalMs <= MAX_HEARTBEAT_INTERVAL_MS) {
      return Optional.empty();
    }
    return Optional.of(
        "heartbeatIntervalMs of "
            + intervalMs
            + " ms, at most "
            + MAX_HEARTBEAT_INTERVAL_MS
            + " (one day) allowed");
  }

  private static Optional<String> text(String field, CharSequence value, int max) {
    if (value == null || value.length() <= max) {
      return Optional.empty();
    }
    return Optional.of(
        field + " of " + value.length() + " characters, at most " + max + " allowed");
  }

  @SafeVarargs
  private static Optional<String> first(Optional<String>... checks) {
    for (Optional<String> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }
}
