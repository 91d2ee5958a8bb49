package io.lockwatch.streams.internals;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.schemas.contract.ContractLimits;

/** Checks that decoded inputs keep the contract before they touch any lock's state. */
final class InputValidation {
  private InputValidation() {}

  static void check(String key, LockEvent event) {
    // Bounds first: the messages below quote the event's fields.
    ContractLimits.violation(event)
        .ifPresent(
            violation -> {
              throw new ContractViolation(
                  "lock event " + abbreviate(event.getEventId()) + ": " + violation);
            });
    if (event.getLockId().isBlank()) {
      throw new ContractViolation("lock event " + event.getEventId() + " has an empty lockId");
    }
    if (!event.getLockId().equals(key)) {
      throw new ContractViolation(
          "lock event "
              + event.getEventId()
              + " for "
              + event.getLockId()
              + " is keyed "
              + abbreviate(key)
              + "; the key must be the lock id");
    }
    if (event.getType() == LockEventType.UNKNOWN) {
      throw new ContractViolation(
          "lock event " + event.getEventId() + " has a type this Lockwatch does not know");
    }
    if (event.getSequence() < 0) {
      throw new ContractViolation(
          "lock event " + event.getEventId() + " has negative sequence " + event.getSequence());
    }
    if (event.getHeartbeatIntervalMs() != null && event.getHeartbeatIntervalMs() <= 0) {
      throw new ContractViolation(
          "lock event "
              + event.getEventId()
              + " promises a heartbeat interval of "
              + event.getHeartbeatIntervalMs()
              + " ms");
    }
    HolderIdentity holder = event.getHolder();
    if (holder.getNodeId().isBlank() || holder.getIncarnation().isBlank()) {
      throw new ContractViolation(
          "lock event " + event.getEventId() + " names no holder node or incarnation");
    }
  }

  static void check(String key, OperatorAction action) {
    ContractLimits.violation(action)
        .ifPresent(
            violation -> {
              throw new ContractViolation(
                  "operator action " + abbreviate(action.getActionId()) + ": " + violation);
            });
    if (!action.getLockId().equals(key)) {
      throw new ContractViolation(
          "operator action "
              + action.getActionId()
              + " for "
              + action.getLockId()
              + " is keyed "
              + abbreviate(key)
              + "; the key must be the lock id");
    }
    if (action.getType() == OperatorActionType.UNKNOWN) {
      throw new ContractViolation(
          "operator action " + action.getActionId() + " has a type this Lockwatch does not know");
    }
    if (action.getOperator().isBlank()) {
      throw new ContractViolation("operator action " + action.getActionId() + " names no operator");
    }
  }

  /** A value quoted in a message, cut so that no message can grow with the input. */
  static String abbreviate(String value) {
    int max = 200;
    return value == null || value.length() <= max
        ? value
        : value.substring(0, max) + "... (" + value.length() + " characters)";
  }
}
