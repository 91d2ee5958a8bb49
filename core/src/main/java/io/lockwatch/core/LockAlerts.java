package io.lockwatch.core;

import io.lockwatch.core.brake.MassStaleBrake;
import io.lockwatch.core.detect.Detector;
import io.lockwatch.core.detect.PauseDiagnosis;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The alerts the lock rules raise, with their text and evidence: what {@link LockStateMachine}
 * decides is there, what it says is here. Every alert id is deterministic, so a replayed or
 * re-emitted alert carries the same id.
 */
final class LockAlerts {
  private LockAlerts() {}

  static Alert reclaimUnconfirmed(LockState current, Instant now) {
    Alert alert =
        alert(
            current,
            AlertReason.RECLAIM_UNCONFIRMED,
            AlertSeverity.CRITICAL,
            now,
            "unconfirmed/" + now.toEpochMilli(),
            "Reclaim "
                + current.getLastReclaimCommandId()
                + " of "
                + current.getLockId()
                + " (token "
                + current.getFencingToken()
                + ") was issued at "
                + current.getLastReclaimIssuedAt()
                + " and is neither confirmed nor rejected");
    alert.setCommandId(current.getLastReclaimCommandId());
    return alert;
  }

  static Alert tokenRegression(LockState current, LockEvent event, Instant now) {
    return eventAlert(
        current.getLockId(),
        AlertReason.TOKEN_REGRESSION,
        AlertSeverity.CRITICAL,
        now,
        event,
        describe(event.getHolder())
            + " acquired "
            + event.getLockId()
            + " with token "
            + event.getFencingToken()
            + ", not above the current token "
            + current.getFencingToken()
            + " of "
            + describe(current.getHolder())
            + ": the lock manager issued a stale or reused token");
  }

  static Alert overlappingHolders(LockState current, LockEvent event, Instant now) {
    Alert overlap =
        eventAlert(
            current.getLockId(),
            AlertReason.OVERLAPPING_HOLDERS,
            AlertSeverity.CRITICAL,
            now,
            event,
            describe(event.getHolder())
                + " acquired "
                + event.getLockId()
                + " with token "
                + event.getFencingToken()
                + " while "
                + describe(current.getHolder())
                + " (token "
                + current.getFencingToken()
                + ") was still heartbeating");
    overlap.getEvidence().put("previousHolder", describe(current.getHolder()));
    overlap.getEvidence().put("previousToken", Long.toString(current.getFencingToken()));
    overlap
        .getEvidence()
        .put("previousLastHeartbeatObservedAt", current.getLastHeartbeatObservedAt().toString());
    return overlap;
  }

  static Alert heartbeatOfUnknownLock(LockEvent event, Instant now) {
    return eventAlert(
        event.getLockId(),
        AlertReason.UNKNOWN_LOCK,
        AlertSeverity.WARNING,
        now,
        event,
        "Heartbeat for "
            + event.getLockId()
            + " (token "
            + event.getFencingToken()
            + ", "
            + describe(event.getHolder())
            + ") whose acquire Lockwatch never saw; watching it from now on");
  }

  static Alert heartbeatUnderUnseenToken(LockEvent event, Instant now) {
    return eventAlert(
        event.getLockId(),
        AlertReason.SEQUENCE_GAP,
        AlertSeverity.WARNING,
        now,
        event,
        "Heartbeat for "
            + event.getLockId()
            + " under token "
            + event.getFencingToken()
            + " whose acquire Lockwatch never saw");
  }

  static Alert releaseOfUnknownLock(LockEvent event, Instant now) {
    return eventAlert(
        event.getLockId(),
        AlertReason.UNKNOWN_LOCK,
        AlertSeverity.INFO,
        now,
        event,
        "Release of "
            + event.getLockId()
            + " (token "
            + event.getFencingToken()
            + ") whose acquire Lockwatch never saw");
  }

  static Alert releaseUnderUnseenToken(LockEvent event, Instant now) {
    return eventAlert(
        event.getLockId(),
        AlertReason.SEQUENCE_GAP,
        AlertSeverity.WARNING,
        now,
        event,
        "Release of "
            + event.getLockId()
            + " under token "
            + event.getFencingToken()
            + " whose acquire Lockwatch never saw");
  }

  static Alert reclaimRejected(LockEvent event, Instant now) {
    String lockId = event.getLockId();
    Alert rejected =
        eventAlert(
            lockId,
            AlertReason.RECLAIM_REJECTED,
            AlertSeverity.WARNING,
            now,
            event,
            "Reclaim "
                + event.getCommandId()
                + " of "
                + lockId
                + " (token "
                + event.getFencingToken()
                + ") was rejected"
                + (event.getReason() != null ? ": " + event.getReason() : ""));
    rejected.setCommandId(event.getCommandId());
    if (event.getActor() != null) {
      rejected.getEvidence().put("rejectedBy", event.getActor());
    }
    return rejected;
  }

  static Alert actionRefused(LockState current, OperatorAction action, Instant now, String why) {
    return Alert.newBuilder()
        .setAlertId(
            alertId(AlertReason.MANUAL_RECLAIM_REFUSED, action.getLockId(), action.getActionId()))
        .setLockId(action.getLockId())
        .setReason(AlertReason.MANUAL_RECLAIM_REFUSED)
        .setSeverity(AlertSeverity.WARNING)
        .setDetectedAt(now)
        .setMessage(action.getType() + " by " + action.getOperator() + " refused: " + why)
        .setFencingToken(action.getFencingToken())
        .setHolder(current == null ? null : current.getHolder())
        .setEvidence(
            evidence(
                "actionId",
                action.getActionId(),
                "operator",
                action.getOperator(),
                AlertEvidence.REFUSED_BECAUSE,
                why))
        .build();
  }

  /**
   * @param spent whether this token's one reclaim command was already issued
   */
  static Alert stale(
      LockState current, Instant deadline, Instant now, long frozenMs, boolean spent, Double phi) {
    boolean accrual = Detector.of(current.getDetector()) == Detector.ACCRUAL;
    Alert stale =
        alert(
            current,
            AlertReason.STALE_LOCK_DETECTED,
            AlertSeverity.CRITICAL,
            now,
            "stale/" + deadline.toEpochMilli(),
            describe(current.getHolder())
                + "'s heartbeat on "
                + current.getLockId()
                + " (token "
                + current.getFencingToken()
                + ") has been frozen for "
                + frozenMs
                + " ms, past "
                + (accrual
                    ? "its learned deadline of "
                        + LockStateMachine.staleAfterMs(current)
                        + " ms (phi "
                        + format(phi)
                        + "; mean "
                        + format(current.getHeartbeatMeanMs())
                        + " ms, deviation "
                        + format(current.getHeartbeatDeviationMs())
                        + " ms; fixed threshold "
                        + current.getThresholdMs()
                        + " ms)"
                    : "its threshold of " + current.getThresholdMs() + " ms")
                + "; policy "
                + current.getPolicy()
                + (spent
                    ? "; the reclaim for this token was already issued, so an operator must act"
                    : ""));
    stale.setFrozenForMs(frozenMs);
    stale.getEvidence().put("detector", accrual ? "accrual" : "fixed");
    stale.getEvidence().put("staleAfterMs", Long.toString(LockStateMachine.staleAfterMs(current)));
    if (current.getHeartbeatMeanMs() != null) {
      stale.getEvidence().put("heartbeatMeanMs", format(current.getHeartbeatMeanMs()));
      stale.getEvidence().put("heartbeatDeviationMs", format(current.getHeartbeatDeviationMs()));
      stale.getEvidence().put("heartbeatLongestGapMs", format(current.getHeartbeatLongestGapMs()));
      stale.getEvidence().put("heartbeatSamples", Long.toString(current.getHeartbeatSamples()));
    }
    if (phi != null) {
      stale.getEvidence().put("phi", format(phi));
    }
    stale.getEvidence().put("policy", current.getPolicy().name());
    stale.getEvidence().put("lastSequence", Long.toString(current.getLastSequence()));
    return stale;
  }

  static Alert awaitingApproval(LockState current, Instant deadline, Instant now) {
    return alert(
        current,
        AlertReason.RECLAIM_AWAITING_APPROVAL,
        AlertSeverity.CRITICAL,
        now,
        "hold/" + deadline.toEpochMilli(),
        current.getLockId()
            + " (token "
            + current.getFencingToken()
            + ") is stale and held for an operator's"
            + " approval before it is reclaimed");
  }

  /** A stale lock whose automatic reclaim the mass-stale brake holds for an operator. */
  static Alert awaitingApprovalBraked(
      LockState current, Instant deadline, Instant now, MassStaleBrake.Verdict verdict) {
    Alert alert =
        alert(
            current,
            AlertReason.RECLAIM_AWAITING_APPROVAL,
            AlertSeverity.CRITICAL,
            now,
            "hold/" + deadline.toEpochMilli(),
            current.getLockId()
                + " (token "
                + current.getFencingToken()
                + ") is stale, but "
                + (verdict.rateLimited()
                    ? verdict.settings().maxReclaimsPerMinute()
                        + " locks were reclaimed automatically in the last minute"
                    : verdict.silentNodes()
                        + " of "
                        + verdict.recentNodes()
                        + " holder nodes went silent together")
                + " (the mass-stale brake): its reclaim waits for an operator's approval"
                + " (lockwatch approve)");
    addBrakeEvidence(alert, verdict);
    return alert;
  }

  /** The mass-stale brake engaged: one alert for the episode, about no single lock. */
  static Alert massStale(Instant now, MassStaleBrake.Verdict verdict) {
    Map<String, String> evidence = new java.util.HashMap<>();
    Alert alert =
        Alert.newBuilder()
            .setAlertId(alertId(AlertReason.MASS_STALE, "", Long.toString(now.toEpochMilli())))
            .setLockId("")
            .setReason(AlertReason.MASS_STALE)
            .setSeverity(AlertSeverity.CRITICAL)
            .setDetectedAt(now)
            .setMessage(
                verdict.rateLimited()
                    ? verdict.settings().maxReclaimsPerMinute()
                        + " locks were reclaimed automatically in the last minute"
                        + " (lockwatch.brake.max-reclaims-per-minute): more are held for approval,"
                        + " not reclaimed; check the holders, then lockwatch approve (or deny) each"
                    : verdict.silentNodes()
                        + " of the "
                        + verdict.recentNodes()
                        + " holder nodes heard from in the last "
                        + verdict.settings().window().toSeconds()
                        + " s went silent together ("
                        + String.join(", ", verdict.silentSample())
                        + (verdict.silentNodes() > verdict.silentSample().size() ? ", ..." : "")
                        + "): more often the watcher's or the network's fault than so many"
                        + " holders dying. Their stale locks are held for approval, not"
                        + " reclaimed; check the holders, then lockwatch approve (or deny) each")
            .setEvidence(evidence)
            .build();
    addBrakeEvidence(alert, verdict);
    return alert;
  }

  private static void addBrakeEvidence(Alert alert, MassStaleBrake.Verdict verdict) {
    Map<String, String> evidence = new java.util.HashMap<>(alert.getEvidence());
    evidence.put("brake", verdict.rateLimited() ? "RATE" : "MASS_STALE");
    evidence.put(
        "brakeMaxReclaimsPerMinute", Integer.toString(verdict.settings().maxReclaimsPerMinute()));
    evidence.put("silentNodes", Integer.toString(verdict.silentNodes()));
    evidence.put("recentNodes", Integer.toString(verdict.recentNodes()));
    evidence.put("brakeShare", Double.toString(verdict.settings().share()));
    evidence.put("brakeMinNodes", Integer.toString(verdict.settings().minNodes()));
    evidence.put("brakeWindowMs", Long.toString(verdict.settings().window().toMillis()));
    evidence.put("silentSample", String.join(",", verdict.silentSample()));
    alert.setEvidence(evidence);
  }

  static Alert reclaimAlreadyIssued(LockState current, String commandId, Instant now) {
    Alert spent =
        alert(
            current,
            AlertReason.MANUAL_RECLAIM_REFUSED,
            AlertSeverity.WARNING,
            now,
            "spent/" + now.toEpochMilli(),
            "The reclaim of "
                + current.getLockId()
                + " for token "
                + current.getFencingToken()
                + " was already issued ("
                + commandId
                + "); a token is reclaimed at most once");
    spent.setCommandId(commandId);
    return spent;
  }

  static Alert outOfOrder(LockState current, LockEvent event, Instant now) {
    return eventAlert(
        current.getLockId(),
        AlertReason.OUT_OF_ORDER_EVENT,
        AlertSeverity.WARNING,
        now,
        event,
        event.getType()
            + " of "
            + current.getLockId()
            + " with sequence "
            + event.getSequence()
            + " arrived after sequence "
            + current.getLastSequence()
            + " of the same holding; not applied");
  }

  static Alert sequenceGap(LockState current, LockEvent event, Instant now, long missing) {
    return eventAlert(
        current.getLockId(),
        AlertReason.SEQUENCE_GAP,
        AlertSeverity.INFO,
        now,
        event,
        missing
            + " event(s) of "
            + describe(event.getHolder())
            + " on "
            + current.getLockId()
            + " (token "
            + current.getFencingToken()
            + ") never arrived: sequence went from "
            + current.getLastSequence()
            + " to "
            + event.getSequence());
  }

  /**
   * @param why why the holding is over, as a clause ("holding 41 was superseded by token 42")
   */
  /** A holder came back after a gap longer than the accrual floor. */
  static Alert paused(LockState current, LockEvent event, Instant now, PauseDiagnosis.Pause pause) {
    Alert alert =
        eventAlert(
            current.getLockId(),
            AlertReason.HOLDER_PAUSED,
            AlertSeverity.WARNING,
            now,
            event,
            describe(event.getHolder())
                + " heartbeat "
                + current.getLockId()
                + " (token "
                + event.getFencingToken()
                + ") again after "
                + pause.gapMs()
                + " ms of silence ("
                + pause.holderGapMs()
                + " ms by its own clock): likely "
                + describe(pause));
    addPause(alert, pause);
    alert.getEvidence().put("statusBefore", current.getStatus().name());
    return alert;
  }

  /** The pause's length and likely cause, as evidence. */
  static void addPause(Alert alert, PauseDiagnosis.Pause pause) {
    alert.getEvidence().put("gapMs", Long.toString(pause.gapMs()));
    alert.getEvidence().put("holderGapMs", Long.toString(pause.holderGapMs()));
    alert.getEvidence().put("pauseCause", pause.cause().name());
    pause.together().ifPresent(lock -> alert.getEvidence().put("pausedWith", lock));
  }

  private static String describe(PauseDiagnosis.Pause pause) {
    return switch (pause.cause()) {
      case CLOCK_JUMP ->
          "a clock jump on the holder (its clock and Lockwatch's disagree on the gap)";
      case NODE_PAUSE ->
          "the whole node paused (" + pause.together().orElse("another lock") + " paused with it)";
      case PROCESS_PAUSE -> "the holder's process paused (GC, stop)";
    };
  }

  private static String format(Double value) {
    return value == null ? "?" : String.format(java.util.Locale.ROOT, "%.1f", value);
  }

  static Alert zombie(LockState current, LockEvent event, Instant now, String why) {
    Alert alert =
        eventAlert(
            current.getLockId(),
            AlertReason.ZOMBIE_HEARTBEAT,
            AlertSeverity.CRITICAL,
            now,
            event,
            describe(event.getHolder())
                + " is still acting on "
                + current.getLockId()
                + " with token "
                + event.getFencingToken()
                + " ("
                + event.getType()
                + ", sequence "
                + event.getSequence()
                + "), but "
                + why
                + ": a fenced holder is alive");
    alert.getEvidence().put("currentToken", Long.toString(current.getFencingToken()));
    alert.getEvidence().put("currentStatus", current.getStatus().name());
    return alert;
  }

  private static Alert alert(
      LockState state,
      AlertReason reason,
      AlertSeverity severity,
      Instant now,
      String discriminator,
      String message) {
    return Alert.newBuilder()
        .setAlertId(
            alertId(reason, state.getLockId(), state.getFencingToken() + "/" + discriminator))
        .setLockId(state.getLockId())
        .setReason(reason)
        .setSeverity(severity)
        .setDetectedAt(now)
        .setMessage(message)
        .setFencingToken(state.getFencingToken())
        .setHolder(state.getHolder())
        .setLastHeartbeatAt(state.getLastHeartbeatAt())
        .setLastHeartbeatObservedAt(state.getLastHeartbeatObservedAt())
        .setThresholdMs(state.getThresholdMs())
        .setEvidence(new HashMap<>())
        .build();
  }

  private static Alert eventAlert(
      String lockId,
      AlertReason reason,
      AlertSeverity severity,
      Instant now,
      LockEvent event,
      String message) {
    return Alert.newBuilder()
        .setAlertId(alertId(reason, lockId, event.getEventId()))
        .setLockId(lockId)
        .setReason(reason)
        .setSeverity(severity)
        .setDetectedAt(now)
        .setMessage(message)
        .setFencingToken(event.getFencingToken())
        .setHolder(event.getHolder())
        .setEvidence(
            evidence(
                "eventId", event.getEventId(),
                "eventType", event.getType().name(),
                "sequence", Long.toString(event.getSequence()),
                "occurredAt", event.getOccurredAt().toString()))
        .build();
  }

  private static Map<String, String> evidence(String... keysAndValues) {
    Map<String, String> evidence = new HashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      if (keysAndValues[i + 1] != null) {
        evidence.put(keysAndValues[i], keysAndValues[i + 1]);
      }
    }
    return evidence;
  }

  /** Deterministic, so that a replayed or re-emitted alert carries the same id. */
  static String alertId(AlertReason reason, String lockId, String discriminator) {
    byte[] name =
        ("lockwatch-alert\u0000" + reason + "\u0000" + lockId + "\u0000" + discriminator)
            .getBytes(StandardCharsets.UTF_8);
    return UUID.nameUUIDFromBytes(name).toString();
  }

  static String describe(HolderIdentity holder) {
    return holder == null
        ? "an unknown holder"
        : holder.getNodeId() + " (pid " + holder.getPid() + ")";
  }
}
