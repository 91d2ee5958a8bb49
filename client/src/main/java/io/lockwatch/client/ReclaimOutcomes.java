package io.lockwatch.client;

import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.ReclaimCommand;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The lock events a reclaim trigger publishes to report what became of a reclaim command. They
 * carry the command's lock, token, holder and last heartbeat sequence, so Lockwatch applies them to
 * exactly the holding the command was about, and an event id derived from the command's id, so a
 * trigger that reports the same outcome twice (after a crash, say) publishes the same event.
 */
public final class ReclaimOutcomes {
  private ReclaimOutcomes() {}

  /** The lock was released on the command's behalf. */
  public static LockEvent reclaimed(ReclaimCommand command, String actor, Instant at) {
    return outcome(command, LockEventType.RECLAIMED, actor, at, null);
  }

  /** The command was refused, for {@code reason} (the token moved on, the holder renewed...). */
  public static LockEvent rejected(
      ReclaimCommand command, String actor, Instant at, String reason) {
    return outcome(
        command,
        LockEventType.RECLAIM_REJECTED,
        actor,
        at,
        Objects.requireNonNull(reason, "reason"));
  }

  private static LockEvent outcome(
      ReclaimCommand command, LockEventType type, String actor, Instant at, String reason) {
    String eventId =
        UUID.nameUUIDFromBytes(
                (command.getCommandId() + "/" + type).getBytes(StandardCharsets.UTF_8))
            .toString();
    return LockEvent.newBuilder()
        .setEventId(eventId)
        .setLockId(command.getLockId())
        .setType(type)
        .setFencingToken(command.getFencingToken())
        .setHolder(command.getHolder())
        .setOccurredAt(at)
        .setSequence(command.getLastHeartbeatSequence())
        .setCommandId(command.getCommandId())
        .setActor(Objects.requireNonNull(actor, "actor"))
        .setReason(reason)
        .build();
  }
}
