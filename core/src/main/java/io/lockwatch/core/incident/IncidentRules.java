package io.lockwatch.core.incident;

import io.lockwatch.core.detect.PauseDiagnosis;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The incident lifecycle, kept in the lock's state ({@link LockState#getIncident()}) next to the
 * rules that judge the lock: one incident per stale holding, opened when the holding is judged
 * stale (or an operator asks to reclaim it), moved by the reclaim's progress and the operators'
 * decisions, and ended by the lock's next events: ALL CLEAR once a next holder has renewed, a false
 * alarm when the holder renews before any reclaim, and so on (see {@link IncidentResolution}).
 *
 * <p>Pure and deterministic like the rules: every time is the judging clock passed in, or for the
 * timers (escalation, left free) the bound itself, so a fold of history gives the same incidents.
 * Changes are noted in the {@link Changes} given, and emitted once per input.
 */
public final class IncidentRules {

  /** States in which the stale holding still blocks the lock: escalated past the bound. */
  private static final Set<IncidentState> BLOCKING =
      EnumSet.of(
          IncidentState.DETECTED,
          IncidentState.HELD,
          IncidentState.DENIED,
          IncidentState.RECLAIM_ISSUED,
          IncidentState.REJECTED,
          IncidentState.UNCONFIRMED);

  private final IncidentSettings settings;

  public IncidentRules(IncidentSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public IncidentSettings settings() {
    return settings;
  }

  /** The id of the incident of holding {@code token} of {@code lockId}, its {@code episode}th. */
  public static String incidentId(String lockId, long token, int episode) {
    return lockId + "@" + token + (episode > 1 ? "#" + episode : "");
  }

  public static boolean isOpen(Incident incident) {
    return incident != null && incident.getState() != IncidentState.RESOLVED;
  }

  /** The severity an incident in {@code state} has. */
  public static AlertSeverity severityOf(IncidentState state) {
    return switch (state) {
      case HELD, REJECTED, UNCONFIRMED, ESCALATED -> AlertSeverity.CRITICAL;
      case RESOLVED -> AlertSeverity.INFO;
      default -> AlertSeverity.WARNING;
    };
  }

  /**
   * Opens the incident of the lock's current holding, judged stale at {@code now} (deadline {@code
   * staleSince}; null for an operator's request on a live holding). An open incident of an earlier
   * holding that had not recovered ends as SUPERSEDED.
   */
  public Incident open(
      LockState lock,
      ReclaimReason cause,
      Instant staleSince,
      Instant now,
      String position,
      Changes changed) {
    Incident earlier = lock.getIncident();
    if (isOpen(earlier)) {
      if (earlier.getFencingToken() == lock.getFencingToken()) {
        return earlier;
      }
      resolve(earlier, IncidentResolution.SUPERSEDED, now);
      earlier.getEvidence().put("supersededBy", lock.getLockId() + "@" + lock.getFencingToken());
      changed.touch(earlier, now);
    }
    String id = incidentId(lock.getLockId(), lock.getFencingToken(), nextEpisode(lock));
    Instant observed = lock.getLastHeartbeatObservedAt();
    long staleAfter =
        lock.getSuspectAfterMs() != null ? lock.getSuspectAfterMs() : lock.getThresholdMs();
    Incident incident =
        Incident.newBuilder()
            .setIncidentId(id)
            .setLockId(lock.getLockId())
            .setFencingToken(lock.getFencingToken())
            .setHolder(copy(lock.getHolder()))
            .setCause(cause)
            .setState(IncidentState.DETECTED)
            .setSeverity(severityOf(IncidentState.DETECTED))
            .setRevision(0)
            .setPolicy(lock.getPolicy())
            .setThresholdMs(staleAfter)
            .setLastHeartbeatAt(lock.getLastHeartbeatAt())
            .setLastHeartbeatObservedAt(observed)
            .setStaleSince(staleSince)
            .setDetectedAt(now)
            .setTimeToDetectMs(observed == null ? 0 : millis(observed, now))
            .setDetectionLagMs(staleSince == null ? null : millis(staleSince, now))
            .setReviewAt(now.plus(settings.escalateAfter()))
            .setUpdatedAt(now)
            .setEvidence(new HashMap<>())
            .build();
    if (lock.getLastEventId() != null) {
      incident.getEvidence().put("lastHeartbeat", lock.getLastEventId());
    }
    if (position != null) {
      incident.getEvidence().put("detectedOn", position);
    }
    lock.setIncident(incident);
    lock.setLastIncidentId(id);
    changed.touch(incident, now);
    return incident;
  }

  /** The automatic reclaim is held for an operator's approval, by policy or by the brake. */
  public void held(
      Incident incident, String by, Integer massStaleNodes, Instant now, Changes changed) {
    incident.setHeldAt(now);
    incident.setHeldBy(by);
    incident.setMassStaleNodes(massStaleNodes);
    move(incident, IncidentState.HELD);
    changed.touch(incident, now);
  }

  /** The holding's one reclaim command was issued (approved by {@code approvedBy}, if anyone). */
  public void reclaimIssued(
      Incident incident,
      String commandId,
      String approvedBy,
      Instant now,
      String position,
      Changes changed) {
    if (approvedBy != null) {
      decided(incident, now, position);
      incident.setApprovedBy(approvedBy);
    }
    incident.setCommandId(commandId);
    incident.setReclaimIssuedAt(now);
    incident.getEvidence().put("command", commandId);
    move(incident, IncidentState.RECLAIM_ISSUED);
    changed.touch(incident, now);
  }

  /** An operator denied the held reclaim. */
  public void denied(
      Incident incident, String operator, Instant now, String position, Changes changed) {
    decided(incident, now, position);
    incident.setDeniedBy(operator);
    move(incident, IncidentState.DENIED);
    changed.touch(incident, now);
  }

  /** The reclaim was neither confirmed nor rejected in time. */
  public void unconfirmed(Incident incident, Instant now, Changes changed) {
    move(incident, IncidentState.UNCONFIRMED);
    changed.touch(incident, now);
  }

  /**
   * Follows one lock event, already applied to {@code lock} by the rules: the holding's return,
   * release or reclaim, a zombie's writes, the next holder's acquire and renewals.
   *
   * @param zombie whether the rules judged the event a fenced or ended holding's (not applied)
   * @param pause the pause diagnosed when the holder came back, if any
   * @return whether the incident changed
   */
  public boolean onEvent(
      LockState lock,
      LockEvent event,
      boolean applied,
      boolean zombie,
      PauseDiagnosis.Pause pause,
      Instant now,
      String position,
      Changes changed) {
    Incident incident = lock.getIncident();
    if (!isOpen(incident)) {
      return false;
    }
    long token = incident.getFencingToken();
    long eventToken = event.getFencingToken();
    String evidence = event.getEventId() + (position == null ? "" : " at " + position);
    if (zombie) {
      if (eventToken != token) {
        return false;
      }
      incident.setZombieEvents(incident.getZombieEvents() + 1);
      incident.setLastZombieAt(now);
      incident.getEvidence().put("zombie", evidence);
      return changed.touch(incident, now);
    }
    if (!applied) {
      return false;
    }
    Long next = incident.getNextFencingToken();
    switch (event.getType()) {
      case ACQUIRED, HEARTBEAT, RELEASED -> {
        if (eventToken == token) {
          return holderActed(incident, lock, event, pause, now, evidence, changed);
        }
        if (eventToken < token) {
          return false;
        }
        if (next == null) {
          incident.setNextHolder(copy(event.getHolder()));
          incident.setNextFencingToken(eventToken);
          incident.setNextAcquiredAt(now);
          incident.getEvidence().put("nextAcquire", evidence);
          incident.setReviewAt(null);
          move(incident, IncidentState.RECOVERING);
          if (event.getType() == LockEventType.RELEASED || settings.recoveryRenewals() == 0) {
            allClear(incident, now, evidence);
          }
          return changed.touch(incident, now);
        }
        if (eventToken > next || event.getType() == LockEventType.RELEASED) {
          // The next holding finished (released, or gave way to a later one): it ran.
          allClear(incident, now, evidence);
          return changed.touch(incident, now);
        }
        if (event.getType() == LockEventType.HEARTBEAT) {
          if (incident.getNextFirstRenewalAt() == null) {
            incident.setNextFirstRenewalAt(now);
          }
          incident.setNextRenewals(incident.getNextRenewals() + 1);
          if (incident.getNextRenewals() >= settings.recoveryRenewals()) {
            allClear(incident, now, evidence);
          }
          return changed.touch(incident, now);
        }
        return false;
      }
      case RECLAIMED -> {
        if (eventToken != token || lock.getStatus() != LockStatus.FREE) {
          return false;
        }
        incident.setReclaimConfirmedAt(now);
        incident.setReclaimedBy(event.getActor());
        incident.getEvidence().put("confirmation", evidence);
        incident.setReviewAt(now.plus(settings.leftFreeAfter()));
        move(incident, IncidentState.RECLAIMED);
        return changed.touch(incident, now);
      }
      case RECLAIM_REJECTED -> {
        if (eventToken != token) {
          return false;
        }
        incident.setRejectedAt(now);
        incident.setRejectionReason(event.getReason());
        incident.getEvidence().put("rejection", evidence);
        if (lock.getStatus() == LockStatus.HELD) {
          // Rejected because the holder is alive after all.
          if (incident.getMistakeDurationMs() == null) {
            incident.setMistakeDurationMs(millis(incident.getDetectedAt(), now));
          }
          resolve(incident, IncidentResolution.HOLDER_RETURNED, now);
        } else {
          move(incident, IncidentState.REJECTED);
        }
        return changed.touch(incident, now);
      }
      default -> {
        return false;
      }
    }
  }

  /** The stale holding's own holder renewed, re-acquired or released. */
  private boolean holderActed(
      Incident incident,
      LockState lock,
      LockEvent event,
      PauseDiagnosis.Pause pause,
      Instant now,
      String evidence,
      Changes changed) {
    if (incident.getNextFencingToken() != null) {
      return false;
    }
    if (event.getType() == LockEventType.RELEASED) {
      incident.getEvidence().put("release", evidence);
      resolve(incident, IncidentResolution.RELEASED, now);
      return changed.touch(incident, now);
    }
    if (lock.getStatus() != LockStatus.HELD) {
      return false;
    }
    boolean returnedNow = incident.getMistakeDurationMs() == null;
    if (returnedNow) {
      incident.setMistakeDurationMs(millis(incident.getDetectedAt(), now));
      incident.getEvidence().put("holderReturned", evidence);
      if (pause != null) {
        incident.setPauseCause(pause.cause().name());
        incident.setPausedForMs(pause.gapMs());
      } else if (incident.getLastHeartbeatObservedAt() != null) {
        incident.setPausedForMs(millis(incident.getLastHeartbeatObservedAt(), now));
      }
    }
    if (incident.getCommandId() == null) {
      resolve(incident, IncidentResolution.FALSE_ALARM, now);
    } else if (incident.getState() == IncidentState.UNCONFIRMED
        || incident.getState() == IncidentState.REJECTED) {
      resolve(incident, IncidentResolution.HOLDER_RETURNED, now);
    } else if (!returnedNow) {
      // The command is out: its confirmation or rejection ends the incident.
      return false;
    }
    return changed.touch(incident, now);
  }

  /**
   * The incident's own timer ({@link Incident#getReviewAt()}) has come by {@code known}: escalates
   * a blocking incident, ends a reclaimed one whose lock stayed free. Stamped at the bound itself.
   *
   * @return whether the incident changed
   */
  public boolean review(LockState lock, Instant known, Changes changed) {
    Incident incident = lock.getIncident();
    if (!isOpen(incident) || incident.getReviewAt() == null) {
      return false;
    }
    Instant due = incident.getReviewAt();
    if (due.isAfter(known)) {
      return false;
    }
    incident.setReviewAt(null);
    if (incident.getState() == IncidentState.RECLAIMED) {
      resolve(incident, IncidentResolution.LEFT_FREE, due);
      return changed.touch(incident, due);
    }
    if (BLOCKING.contains(incident.getState()) && incident.getEscalatedAt() == null) {
      incident.setEscalatedAt(due);
      move(incident, IncidentState.ESCALATED);
      return changed.touch(incident, due);
    }
    return false;
  }

  /**
   * The incidents one input changed, each emitted once (a copy, one revision on) however many of
   * the rules touched it.
   */
  public static final class Changes {
    private final List<Incident> touched = new ArrayList<>();
    private final List<Instant> at = new ArrayList<>();

    /** Notes a change of {@code incident} made at {@code when}; returns true. */
    public boolean touch(Incident incident, Instant when) {
      for (int i = 0; i < touched.size(); i++) {
        if (touched.get(i) == incident) {
          at.set(i, when);
          return true;
        }
      }
      touched.add(incident);
      at.add(when);
      return true;
    }

    public boolean isEmpty() {
      return touched.isEmpty();
    }

    /** The changed incidents as records to emit, each one revision on; forgets them. */
    public List<Incident> drain() {
      List<Incident> out = new ArrayList<>(touched.size());
      for (int i = 0; i < touched.size(); i++) {
        Incident incident = touched.get(i);
        incident.setRevision(incident.getRevision() + 1);
        incident.setUpdatedAt(at.get(i));
        out.add(Incident.newBuilder(incident).build());
      }
      clear();
      return out;
    }

    public void clear() {
      touched.clear();
      at.clear();
    }
  }

  /** After emitting: an ended incident leaves the lock's state (its id stays as the last one). */
  public static void forgetEnded(LockState lock) {
    if (lock.getIncident() != null && !isOpen(lock.getIncident())) {
      lock.setIncident(null);
    }
  }

  /** When the incident's own timer is due, if it has one (the lock's check must come by then). */
  public static Instant reviewAt(LockState lock) {
    Incident incident = lock.getIncident();
    return isOpen(incident) ? incident.getReviewAt() : null;
  }

  private void allClear(Incident incident, Instant now, String evidence) {
    incident.getEvidence().put("recovery", evidence);
    resolve(incident, IncidentResolution.ALL_CLEAR, now);
    if (incident.getLastHeartbeatObservedAt() != null) {
      incident.setTimeToRecoverMs(millis(incident.getLastHeartbeatObservedAt(), now));
    }
  }

  private static void decided(Incident incident, Instant now, String position) {
    incident.setDecidedAt(now);
    if (incident.getHeldAt() != null) {
      incident.setHeldForMs(millis(incident.getHeldAt(), now));
    }
    if (position != null) {
      incident.getEvidence().put("decision", position);
    }
  }

  private static void resolve(Incident incident, IncidentResolution resolution, Instant now) {
    incident.setResolution(resolution);
    incident.setResolvedAt(now);
    incident.setReviewAt(null);
    move(incident, IncidentState.RESOLVED);
  }

  private static void move(Incident incident, IncidentState state) {
    incident.setState(state);
    incident.setSeverity(severityOf(state));
  }

  /** The episode number of the holding's next incident: 1, or one more than its last one's. */
  private static int nextEpisode(LockState lock) {
    String last = lock.getLastIncidentId();
    String prefix = incidentId(lock.getLockId(), lock.getFencingToken(), 1);
    if (last == null || !(last.equals(prefix) || last.startsWith(prefix + "#"))) {
      return 1;
    }
    if (last.equals(prefix)) {
      return 2;
    }
    try {
      return Integer.parseInt(last.substring(prefix.length() + 1)) + 1;
    } catch (NumberFormatException e) {
      return 2;
    }
  }

  private static HolderIdentity copy(HolderIdentity holder) {
    return holder == null ? null : HolderIdentity.newBuilder(holder).build();
  }

  private static long millis(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toMillis());
  }
}
