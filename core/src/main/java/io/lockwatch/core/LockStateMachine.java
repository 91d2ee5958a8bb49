package io.lockwatch.core;

import io.lockwatch.core.brake.MassStaleBrake;
import io.lockwatch.core.detect.AccrualDetector;
import io.lockwatch.core.detect.Detector;
import io.lockwatch.core.detect.PauseDiagnosis;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.events.Alert;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.events.ReclaimReason;
import io.lockwatch.schemas.contract.ReclaimCommandIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one lock's state follows from its events, its operators' actions and the passing of time.
 * Pure: no I/O, no clock of its own ({@code now} is Lockwatch's clock, passed in), so the streams
 * app and the recovery CLI fold history with the very same rules.
 *
 * <p>Rules, in short (docs/architecture.md has them in full):
 *
 * <ul>
 *   <li>An acquire with a higher token starts a new holding; if the previous holder was still live,
 *       that is an OVERLAPPING_HOLDERS alert. An acquire whose token does not exceed the current
 *       one is a TOKEN_REGRESSION: not applied.
 *   <li>Events carrying an older token than the lock's current one come from a fenced holder:
 *       ZOMBIE_HEARTBEAT, not applied. So does a heartbeat after the holding ended.
 *   <li>Within a holding, the per-holding sequence drops duplicates (equal) and reordered events
 *       (lower, alerted), and notices gaps (alerted, applied).
 *   <li>Staleness is judged on the log's clock (broker append times) from when the last heartbeat
 *       was appended, never by the holder's clock nor the judging machine's. A check finds a lock
 *       stale when observed-at + threshold has passed; then the lock's policy decides: AUTO issues
 *       a reclaim command (after the grace, if any), HOLD waits for an operator's approval, DRY_RUN
 *       only flags it.
 *   <li>At most one reclaim command per lock and token, with a deterministic id. A command that is
 *       neither confirmed nor rejected in time is alerted on once, never re-issued.
 *   <li>Each stale holding gets one incident, kept in the lock's state until it ends ({@link
 *       IncidentRules}): every input that moves it emits the incident's new revision.
 * </ul>
 *
 * <p>Methods may update the given state object in place and return it in the transition. The one
 * memory beyond the state it is given is the pause diagnosis (which other locks of a node came back
 * together): one machine per fold, never shared between the app's tasks. A machine is used by one
 * thread at a time: it keeps what one input changed while it judges it.
 */
public final class LockStateMachine {

  private final WatchPolicy policy;
  private final PauseDiagnosis pauses = new PauseDiagnosis();
  private final IncidentRules incidents;
  // What the input being judged changed: its incidents, where it sits, the pause it showed.
  private final IncidentRules.Changes changed = new IncidentRules.Changes();
  private String position;
  private PauseDiagnosis.Pause pause;

  public LockStateMachine(WatchPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.incidents = new IncidentRules(policy.incidents());
  }

  /**
   * When the lock must next be looked at: its own next check or its incident's review, whichever
   * comes first; null when neither is due.
   */
  public static Instant checkAt(LockState state) {
    Instant own = state.getNextCheckAt();
    Instant review = IncidentRules.reviewAt(state);
    if (own == null) {
      return review;
    }
    return review == null || own.isBefore(review) ? own : review;
  }

  public WatchPolicy policy() {
    return policy;
  }

  /** Applies a lock event observed by Lockwatch at {@code now}. */
  public Transition onEvent(LockState current, LockEvent event, Instant now) {
    return onEvent(current, event, now, null);
  }

  /**
   * Applies a lock event observed by Lockwatch at {@code now}, read at {@code position} (e.g.
   * {@code topic-partition@offset}; null when unknown), which the incidents cite as evidence.
   */
  public Transition onEvent(LockState current, LockEvent event, Instant now, String position) {
    begin(position);
    Transition transition =
        switch (event.getType()) {
          case ACQUIRED -> acquired(current, event, now);
          case HEARTBEAT -> heartbeat(current, event, now);
          case RELEASED -> released(current, event, now);
          case RECLAIMED -> reclaimed(current, event, now);
          case RECLAIM_REJECTED -> reclaimRejected(current, event, now);
          default -> Transition.none(Outcome.IGNORED);
        };
    LockState lock = transition.state() != null ? transition.state() : current;
    // The hot path: a lock without an open incident pays one field read here.
    if (lock == null || lock.getIncident() == null) {
      return finish(transition, lock);
    }
    boolean zombie = transition.outcome() == Outcome.ZOMBIE;
    incidents.onEvent(
        lock,
        event,
        transition.outcome() == Outcome.APPLIED,
        zombie,
        pause,
        now,
        position,
        changed);
    if (zombie && lock.getIncident().getZombieEvents() > 1) {
      // The incident counts a zombie's further writes; its first one was alerted on.
      return finish(
          new Transition(
              null,
              false,
              List.of(),
              List.of(),
              Optional.empty(),
              Optional.empty(),
              Outcome.ZOMBIE),
          lock);
    }
    return finish(transition, lock);
  }

  /** Applies an operator's action received at {@code now}. */
  public Transition onOperatorAction(LockState current, OperatorAction action, Instant now) {
    return onOperatorAction(current, action, now, null);
  }

  /** Applies an operator's action received at {@code now}, read at {@code position}. */
  public Transition onOperatorAction(
      LockState current, OperatorAction action, Instant now, String position) {
    begin(position);
    Transition transition =
        switch (action.getType()) {
          case REQUEST_RECLAIM -> requestReclaim(current, action, now);
          case APPROVE_RECLAIM -> approveReclaim(current, action, now);
          case DENY_RECLAIM -> denyReclaim(current, action, now);
          default -> Transition.none(Outcome.IGNORED);
        };
    return finish(transition, transition.state() != null ? transition.state() : current);
  }

  private void begin(String inputPosition) {
    changed.clear();
    position = inputPosition;
    pause = null;
  }

  /**
   * Adds the incidents the input changed to its transition: the state must then be stored (it keeps
   * the open incident), and the lock looked at by its incident's review.
   */
  private Transition finish(Transition transition, LockState lock) {
    if (changed.isEmpty()) {
      return transition;
    }
    List<Incident> out = changed.drain();
    IncidentRules.forgetEnded(lock);
    Instant next = checkAt(lock);
    Optional<Instant> schedule =
        next != null
                && (transition.scheduleCheckAt().isPresent()
                    || next.equals(IncidentRules.reviewAt(lock)))
            ? Optional.of(next)
            : transition.scheduleCheckAt();
    return transition.withIncidents(lock, schedule, transition.alerts(), out);
  }

  /** The lock's scheduled check ({@link LockState#getNextCheckAt()}) has come. */
  public Transition onCheck(LockState current, Instant now) {
    return onCheck(current, now, now);
  }

  /**
   * The lock's scheduled check has come, judged at {@code now} when every input observed up to
   * {@code inputsUpTo} (and perhaps not later ones) has been applied: a heartbeat deadline after
   * {@code inputsUpTo} is not judged yet, since a renewal may be among the inputs still to come.
   */
  public Transition onCheck(LockState current, Instant now, Instant inputsUpTo) {
    return onCheck(current, now, inputsUpTo, null);
  }

  /**
   * As {@link #onCheck(LockState, Instant, Instant)}, after the log's clock jumped at {@code
   * freshFrom} (null: never): a lock whose silence spans the jump is judged from the jump afresh,
   * so it is stale no sooner than its threshold after it (see {@code LogClock}).
   */
  public Transition onCheck(LockState current, Instant now, Instant inputsUpTo, Instant freshFrom) {
    return onCheck(current, now, inputsUpTo, freshFrom, null);
  }

  /**
   * As above, with the fold's mass-stale brake (null: none), which may hold an automatic reclaim
   * for approval when many holder nodes went silent together.
   */
  public Transition onCheck(
      LockState current, Instant now, Instant inputsUpTo, Instant freshFrom, MassStaleBrake brake) {
    Instant known = inputsUpTo.isAfter(now) ? now : inputsUpTo;
    if (current == null) {
      return Transition.none(Outcome.NOTHING_DUE);
    }
    Instant review = IncidentRules.reviewAt(current);
    boolean reviewDue = review != null && !review.isAfter(known);
    boolean ownDue = current.getNextCheckAt() != null && !current.getNextCheckAt().isAfter(known);
    if (!reviewDue && !ownDue) {
      return Transition.none(Outcome.NOTHING_DUE);
    }
    begin(null);
    if (reviewDue) {
      incidents.review(current, known, changed);
    }
    if (!ownDue) {
      return finish(
          stored(current, false, List.of(), List.of(), null, Optional.empty(), Outcome.NOTHING_DUE),
          current);
    }
    Transition transition = ownCheck(current, now, known, freshFrom, brake);
    return finish(transition, transition.state() != null ? transition.state() : current);
  }

  /** The lock's own scheduled check, come by {@code known}. */
  private Transition ownCheck(
      LockState current, Instant now, Instant known, Instant freshFrom, MassStaleBrake brake) {
    switch (current.getStatus()) {
      case HELD -> {
        Instant deadline = deadline(current, freshFrom);
        if (deadline.isAfter(known)) {
          // Renewed since the check was scheduled: look again at the renewed deadline.
          current.setNextCheckAt(deadline);
          return stored(
              current,
              false,
              List.of(),
              List.of(),
              deadline,
              Optional.empty(),
              Outcome.NOTHING_DUE);
        }
        return stale(current, deadline, now, brake);
      }
      case STALE -> {
        List<Alert> alerts = new ArrayList<>();
        return issue(current, now, ReclaimReason.HEARTBEAT_FROZEN, null, null, alerts);
      }
      case RECLAIM_PENDING -> {
        // Alerted once: the incident stays UNCONFIRMED (and escalates) instead of a new alert
        // every confirmation timeout.
        Alert alert = LockAlerts.reclaimUnconfirmed(current, now);
        current.setNextCheckAt(null);
        current.setUpdatedAt(now);
        Incident incident = current.getIncident();
        if (IncidentRules.isOpen(incident)
            && incident.getFencingToken() == current.getFencingToken()) {
          incidents.unconfirmed(incident, now, changed);
        }
        return stored(
            current, false, List.of(alert), List.of(), null, Optional.empty(), Outcome.APPLIED);
      }
      default -> {
        current.setNextCheckAt(null);
        return stored(
            current, false, List.of(), List.of(), null, Optional.empty(), Outcome.NOTHING_DUE);
      }
    }
  }

  /**
   * When the lock's heartbeat, as observed, goes stale: its threshold after the last observed
   * heartbeat, or under the accrual detector, the learned deadline (within its floor and ceiling).
   */
  public static Instant deadline(LockState state) {
    return state.getLastHeartbeatObservedAt().plusMillis(staleAfterMs(state));
  }

  /** The deadline, judged afresh from a jump of the log's clock that the lock was silent across. */
  static Instant deadline(LockState state, Instant freshFrom) {
    Instant deadline = deadline(state);
    if (freshFrom != null && state.getLastHeartbeatObservedAt().isBefore(freshFrom)) {
      Instant fresh = freshFrom.plusMillis(staleAfterMs(state));
      return fresh.isAfter(deadline) ? fresh : deadline;
    }
    return deadline;
  }

  /** How long after the last observed heartbeat the lock is stale. */
  public static long staleAfterMs(LockState state) {
    Long learned = state.getSuspectAfterMs();
    return learned != null ? learned : state.getThresholdMs();
  }

  /**
   * Learns the holding's rhythm from one more heartbeat (before it is applied): the observed time
   * since the last one updates the estimate and, under the accrual detector, the deadline. A gap
   * longer than the accrual floor is a pause, diagnosed and alerted on (whichever detector).
   */
  private Optional<Alert> learnRhythm(LockState current, LockEvent event, Instant now) {
    if (current.getLastHeartbeatObservedAt() == null) {
      return Optional.empty();
    }
    long gap = Duration.between(current.getLastHeartbeatObservedAt(), now).toMillis();
    long nominal =
        policy.nominalIntervalMs(current.getHeartbeatIntervalMs(), current.getThresholdMs());
    Optional<Alert> paused = Optional.empty();
    if (gap > policy.floorMs(nominal, current.getThresholdMs())
        && current.getLastHeartbeatAt() != null
        && event.getHolder() != null) {
      paused = Optional.of(LockAlerts.paused(current, event, now, diagnose(current, event, now)));
    }
    if (gap > 0 && Detector.of(current.getDetector()) == Detector.ACCRUAL) {
      // Records of one producer batch share an append time: a zero gap says nothing of rhythm.
      // Under the fixed rule nothing is learned: the heartbeat path stays as cheap as before.
      remember(current, policy.accrual().learn(estimate(current, nominal), gap), nominal);
    }
    return paused;
  }

  private PauseDiagnosis.Pause diagnose(LockState current, LockEvent event, Instant now) {
    pause =
        pauses.diagnose(
            event.getHolder().getNodeId(),
            current.getLockId(),
            current.getLastHeartbeatObservedAt(),
            now,
            Duration.between(current.getLastHeartbeatAt(), event.getOccurredAt()).toMillis());
    return pause;
  }

  private static AccrualDetector.Estimate estimate(LockState state, long nominal) {
    return state.getHeartbeatMeanMs() == null || state.getHeartbeatDeviationMs() == null
        ? AccrualDetector.Estimate.declared(nominal)
        : new AccrualDetector.Estimate(
            state.getHeartbeatMeanMs(),
            state.getHeartbeatDeviationMs(),
            state.getHeartbeatLongestGapMs() != null ? state.getHeartbeatLongestGapMs() : nominal,
            state.getHeartbeatSamples());
  }

  /** Stores an accrual holding's estimate and the deadline it gives. */
  private void remember(LockState state, AccrualDetector.Estimate estimate, long nominal) {
    state.setHeartbeatMeanMs(estimate.meanMs());
    state.setHeartbeatDeviationMs(estimate.deviationMs());
    state.setHeartbeatLongestGapMs(estimate.longestGapMs());
    state.setHeartbeatSamples(estimate.samples());
    state.setSuspectAfterMs(
        policy
            .accrual()
            .suspectAfterMs(
                estimate,
                nominal,
                policy.floorMs(nominal, state.getThresholdMs()),
                policy.ceilingMs(nominal, state.getThresholdMs())));
  }

  /** The accrual suspicion after {@code frozenMs}, for the evidence; null without an estimate. */
  private Double phi(LockState state, long frozenMs) {
    if (state.getHeartbeatMeanMs() == null || state.getHeartbeatDeviationMs() == null) {
      return null;
    }
    long nominal = policy.nominalIntervalMs(state.getHeartbeatIntervalMs(), state.getThresholdMs());
    return policy.accrual().phi(frozenMs, estimate(state, nominal), nominal);
  }

  private Transition acquired(LockState current, LockEvent event, Instant now) {
    List<Alert> alerts = new ArrayList<>();
    if (current != null && current.getHolder() != null) {
      long token = event.getFencingToken();
      if (token == current.getFencingToken()
          && sameHolder(current.getHolder(), event.getHolder())
          && event.getSequence() <= current.getLastSequence()) {
        return Transition.none(Outcome.DUPLICATE);
      }
      if (token <= current.getFencingToken()) {
        return Transition.alertOnly(
            LockAlerts.tokenRegression(current, event, now), Outcome.TOKEN_REGRESSION);
      }
      if (current.getStatus() == LockStatus.HELD && deadline(current).isAfter(now)) {
        Alert overlap = LockAlerts.overlappingHolders(current, event, now);
        alerts.add(overlap);
      }
    }
    LockState state = newHolding(current, event, now, event.getOccurredAt());
    return stored(
        state, true, alerts, List.of(), state.getNextCheckAt(), Optional.empty(), Outcome.APPLIED);
  }

  private Transition heartbeat(LockState current, LockEvent event, Instant now) {
    if (current == null || current.getHolder() == null) {
      LockState state = newHolding(current, event, now, null);
      Alert unknown = LockAlerts.heartbeatOfUnknownLock(event, now);
      return stored(
          state,
          true,
          List.of(unknown),
          List.of(),
          state.getNextCheckAt(),
          Optional.empty(),
          Outcome.APPLIED);
    }
    long token = event.getFencingToken();
    if (token < current.getFencingToken()) {
      return superseded(current, event, now);
    }
    if (token > current.getFencingToken()) {
      LockState state = newHolding(current, event, now, null);
      Alert gap = LockAlerts.heartbeatUnderUnseenToken(event, now);
      return stored(
          state,
          true,
          List.of(gap),
          List.of(),
          state.getNextCheckAt(),
          Optional.empty(),
          Outcome.APPLIED);
    }
    Optional<Transition> sequenceProblem = checkSequence(current, event, now);
    if (current.getStatus() == LockStatus.FREE) {
      return sequenceProblem.orElseGet(
          () -> zombie(current, event, now, "the holding ended at " + current.getReleasedAt()));
    }
    if (sequenceProblem.isPresent()) {
      return sequenceProblem.get();
    }
    // Most heartbeats raise nothing: no list to build for them.
    List<Alert> alerts = gapAlert(current, event, now).map(List::of).orElse(List.of());
    Optional<Alert> paused = learnRhythm(current, event, now);
    if (paused.isPresent()) {
      alerts = new ArrayList<>(alerts);
      alerts.add(paused.get());
    }
    current.setLastHeartbeatAt(event.getOccurredAt());
    current.setLastHeartbeatObservedAt(now);
    current.setLastSequence(event.getSequence());
    current.setLastEventId(event.getEventId());
    current.setUpdatedAt(now);
    if (current.getStatus() == LockStatus.HELD) {
      // The hot path: no transition, no index write; the scheduled check finds the renewal.
      return stored(current, false, alerts, List.of(), null, Optional.empty(), Outcome.APPLIED);
    }
    // The holder was judged stale (or awaited approval, or a reclaim is pending) but is alive.
    current.setStatus(LockStatus.HELD);
    current.setStaleSince(null);
    Instant schedule = null;
    if (current.getNextCheckAt() == null) {
      schedule = deadline(current);
      current.setNextCheckAt(schedule);
    }
    return stored(current, true, alerts, List.of(), schedule, Optional.empty(), Outcome.APPLIED);
  }

  private Transition released(LockState current, LockEvent event, Instant now) {
    if (current == null || current.getHolder() == null) {
      LockState state = freeState(current, event, now);
      Alert unknown = LockAlerts.releaseOfUnknownLock(event, now);
      return stored(
          state, true, List.of(unknown), List.of(), null, Optional.empty(), Outcome.APPLIED);
    }
    long token = event.getFencingToken();
    if (token < current.getFencingToken()) {
      return superseded(current, event, now);
    }
    if (token > current.getFencingToken()) {
      LockState state = freeState(current, event, now);
      Alert gap = LockAlerts.releaseUnderUnseenToken(event, now);
      return stored(state, true, List.of(gap), List.of(), null, Optional.empty(), Outcome.APPLIED);
    }
    Optional<Transition> sequenceProblem = checkSequence(current, event, now);
    if (sequenceProblem.isPresent()) {
      return sequenceProblem.get();
    }
    if (current.getStatus() == LockStatus.FREE) {
      return zombie(
          current, event, now, "the holding had already ended at " + current.getReleasedAt());
    }
    List<Alert> alerts = new ArrayList<>();
    gapAlert(current, event, now).ifPresent(alerts::add);
    current.setLastSequence(event.getSequence());
    endHolding(current, event, now);
    return stored(current, true, alerts, List.of(), null, Optional.empty(), Outcome.APPLIED);
  }

  private Transition reclaimed(LockState current, LockEvent event, Instant now) {
    if (current == null || current.getFencingToken() != event.getFencingToken()) {
      return Transition.none(Outcome.IGNORED);
    }
    if (current.getStatus() == LockStatus.FREE) {
      return Transition.none(Outcome.DUPLICATE);
    }
    endHolding(current, event, now);
    return stored(current, true, List.of(), List.of(), null, Optional.empty(), Outcome.APPLIED);
  }

  private Transition reclaimRejected(LockState current, LockEvent event, Instant now) {
    Alert rejected = LockAlerts.reclaimRejected(event, now);
    if (current == null
        || current.getFencingToken() != event.getFencingToken()
        || current.getStatus() != LockStatus.RECLAIM_PENDING) {
      return Transition.alertOnly(rejected, Outcome.APPLIED);
    }
    Instant schedule = null;
    if (deadline(current).isAfter(now)) {
      current.setStatus(LockStatus.HELD);
      current.setStaleSince(null);
      schedule = deadline(current);
    } else {
      // Still frozen, and this token's one command is spent: an operator has to decide.
      current.setStatus(LockStatus.STALE);
    }
    current.setNextCheckAt(schedule);
    current.setUpdatedAt(now);
    return stored(
        current, true, List.of(rejected), List.of(), schedule, Optional.empty(), Outcome.APPLIED);
  }

  private Transition requestReclaim(LockState current, OperatorAction action, Instant now) {
    Optional<String> mismatch =
        actionMismatch(current, action, null).or(() -> alreadyIssued(current));
    if (mismatch.isPresent()) {
      return refused(current, action, now, mismatch.get());
    }
    return issue(
        current,
        now,
        ReclaimReason.OPERATOR_REQUEST,
        action.getOperator(),
        null,
        new ArrayList<>());
  }

  private Transition approveReclaim(LockState current, OperatorAction action, Instant now) {
    Optional<String> mismatch =
        actionMismatch(current, action, LockStatus.AWAITING_APPROVAL)
            .or(() -> alreadyIssued(current));
    if (mismatch.isPresent()) {
      return refused(current, action, now, mismatch.get());
    }
    return issue(
        current,
        now,
        ReclaimReason.HEARTBEAT_FROZEN,
        null,
        action.getOperator(),
        new ArrayList<>());
  }

  private Transition denyReclaim(LockState current, OperatorAction action, Instant now) {
    Optional<String> mismatch = actionMismatch(current, action, LockStatus.AWAITING_APPROVAL);
    if (mismatch.isPresent()) {
      return refused(current, action, now, mismatch.get());
    }
    current.setStatus(LockStatus.STALE);
    current.setNextCheckAt(null);
    current.setUpdatedAt(now);
    Incident incident = current.getIncident();
    if (IncidentRules.isOpen(incident) && incident.getFencingToken() == current.getFencingToken()) {
      incidents.denied(incident, action.getOperator(), now, position, changed);
    }
    return stored(current, true, List.of(), List.of(), null, Optional.empty(), Outcome.APPLIED);
  }

  /** A holding gets one reclaim command: an operator asking for a second is refused, by name. */
  private static Optional<String> alreadyIssued(LockState current) {
    String commandId = ReclaimCommandIds.of(current.getLockId(), current.getFencingToken());
    if (!commandId.equals(current.getLastReclaimCommandId())) {
      return Optional.empty();
    }
    return Optional.of(
        "reclaim command "
            + commandId
            + " for token "
            + current.getFencingToken()
            + " was already issued at "
            + current.getLastReclaimIssuedAt()
            + "; a holding gets one");
  }

  /** Why the action does not apply to the lock as it is now, if it does not. */
  private static Optional<String> actionMismatch(
      LockState current, OperatorAction action, LockStatus required) {
    if (current == null || current.getHolder() == null) {
      return Optional.of("Lockwatch has never seen " + action.getLockId() + " held");
    }
    if (current.getFencingToken() != action.getFencingToken()) {
      return Optional.of(
          action.getLockId()
              + " is at token "
              + current.getFencingToken()
              + ", not "
              + action.getFencingToken());
    }
    if (current.getStatus() == LockStatus.FREE) {
      return Optional.of(
          "holding "
              + action.getFencingToken()
              + " of "
              + action.getLockId()
              + " has already ended");
    }
    if (required != null && current.getStatus() != required) {
      return Optional.of(action.getLockId() + " is " + current.getStatus() + ", not " + required);
    }
    return Optional.empty();
  }

  private Transition refused(LockState current, OperatorAction action, Instant now, String why) {
    Alert alert = LockAlerts.actionRefused(current, action, now, why);
    return Transition.alertOnly(alert, Outcome.REFUSED);
  }

  private Transition stale(LockState current, Instant deadline, Instant now, MassStaleBrake brake) {
    List<Alert> alerts = new ArrayList<>();
    current.setStaleSince(deadline);
    current.setUpdatedAt(now);
    long frozenMs = Duration.between(current.getLastHeartbeatObservedAt(), now).toMillis();
    String commandId = ReclaimCommandIds.of(current.getLockId(), current.getFencingToken());
    boolean spent = commandId.equals(current.getLastReclaimCommandId());
    ReclaimPolicy lockPolicy = current.getPolicy();
    Alert stale = LockAlerts.stale(current, deadline, now, frozenMs, spent, phi(current, frozenMs));
    alerts.add(stale);
    Incident incident =
        incidents.open(current, ReclaimReason.HEARTBEAT_FROZEN, deadline, now, position, changed);
    if (spent || lockPolicy == ReclaimPolicy.DRY_RUN) {
      current.setStatus(LockStatus.STALE);
      current.setNextCheckAt(null);
      return stored(current, true, alerts, List.of(), null, Optional.empty(), Outcome.APPLIED);
    }
    if (lockPolicy == ReclaimPolicy.HOLD) {
      current.setStatus(LockStatus.AWAITING_APPROVAL);
      current.setNextCheckAt(null);
      incidents.held(incident, "policy", null, now, changed);
      alerts.add(LockAlerts.awaitingApproval(current, deadline, now));
      return stored(current, true, alerts, List.of(), null, Optional.empty(), Outcome.APPLIED);
    }
    if (brake != null && current.getHolder() != null) {
      MassStaleBrake.Verdict verdict =
          brake.judge(current.getHolder().getNodeId(), now, staleAfterMs(current));
      if (verdict.holds()) {
        current.setStatus(LockStatus.AWAITING_APPROVAL);
        current.setNextCheckAt(null);
        incidents.held(incident, "mass-stale brake", verdict.silentNodes(), now, changed);
        if (verdict.engaged()) {
          alerts.add(LockAlerts.massStale(now, verdict));
        }
        alerts.add(LockAlerts.awaitingApprovalBraked(current, deadline, now, verdict));
        return stored(current, true, alerts, List.of(), null, Optional.empty(), Outcome.APPLIED);
      }
    }
    Instant reclaimableAt = deadline.plus(policy.reclaimGrace());
    if (reclaimableAt.isAfter(now)) {
      current.setStatus(LockStatus.STALE);
      current.setNextCheckAt(reclaimableAt);
      return stored(
          current, true, alerts, List.of(), reclaimableAt, Optional.empty(), Outcome.APPLIED);
    }
    return issue(current, now, ReclaimReason.HEARTBEAT_FROZEN, null, null, alerts);
  }

  /** Issues this holding's one reclaim command, or refuses if it was already issued. */
  private Transition issue(
      LockState current,
      Instant now,
      ReclaimReason reason,
      String requestedBy,
      String approvedBy,
      List<Alert> alerts) {
    String commandId = ReclaimCommandIds.of(current.getLockId(), current.getFencingToken());
    if (commandId.equals(current.getLastReclaimCommandId())) {
      Alert spent = LockAlerts.reclaimAlreadyIssued(current, commandId, now);
      alerts.add(spent);
      return new Transition(
          null, false, alerts, List.of(), Optional.empty(), Optional.empty(), Outcome.REFUSED);
    }
    long frozenMs =
        Math.max(0, Duration.between(current.getLastHeartbeatObservedAt(), now).toMillis());
    ReclaimCommand command =
        ReclaimCommand.newBuilder()
            .setCommandId(commandId)
            .setLockId(current.getLockId())
            .setFencingToken(current.getFencingToken())
            .setLastHeartbeatSequence(current.getLastSequence())
            .setHolder(current.getHolder())
            .setReason(reason)
            .setLastHeartbeatAt(current.getLastHeartbeatAt())
            .setLastHeartbeatObservedAt(current.getLastHeartbeatObservedAt())
            .setFrozenForMs(frozenMs)
            .setThresholdMs(current.getThresholdMs())
            .setPolicy(current.getPolicy())
            .setIssuedAt(now)
            .setRequestedBy(requestedBy)
            .setApprovedBy(approvedBy)
            .build();
    Optional<Duration> delay = Optional.empty();
    if (reason == ReclaimReason.HEARTBEAT_FROZEN
        && approvedBy == null
        && current.getStaleSince() != null) {
      delay =
          Optional.of(Duration.between(current.getStaleSince().plus(policy.reclaimGrace()), now));
    }
    Incident incident = current.getIncident();
    if (!IncidentRules.isOpen(incident)
        || incident.getFencingToken() != current.getFencingToken()) {
      // An operator's request for a holding not judged stale opens its incident here.
      incident =
          incidents.open(current, ReclaimReason.OPERATOR_REQUEST, null, now, position, changed);
    }
    incidents.reclaimIssued(
        incident, commandId, approvedBy != null ? approvedBy : requestedBy, now, position, changed);
    current.setStatus(LockStatus.RECLAIM_PENDING);
    current.setLastReclaimCommandId(commandId);
    current.setLastReclaimIssuedAt(now);
    Instant confirmBy = now.plus(policy.confirmTimeout());
    current.setNextCheckAt(confirmBy);
    current.setUpdatedAt(now);
    return new Transition(
        current, true, alerts, List.of(command), Optional.of(confirmBy), delay, Outcome.APPLIED);
  }

  private LockState newHolding(
      LockState previous, LockEvent event, Instant now, Instant acquiredAt) {
    LockState state =
        previous != null
            ? previous
            : LockState.newBuilder()
                .setLockId(event.getLockId())
                .setStatus(LockStatus.HELD)
                .setFencingToken(event.getFencingToken())
                .setThresholdMs(0)
                .setUpdatedAt(now)
                .build();
    long threshold = policy.thresholdMs(event.getLockId(), event.getHeartbeatIntervalMs());
    state.setStatus(LockStatus.HELD);
    state.setHolder(event.getHolder());
    state.setFencingToken(event.getFencingToken());
    state.setAcquiredAt(acquiredAt);
    state.setLastHeartbeatAt(event.getOccurredAt());
    state.setLastHeartbeatObservedAt(now);
    state.setLastSequence(event.getSequence());
    state.setHeartbeatIntervalMs(event.getHeartbeatIntervalMs());
    state.setThresholdMs(threshold);
    state.setPolicy(policy.policy(event.getLockId()));
    state.setStaleSince(null);
    state.setReleasedAt(null);
    state.setLastEventId(event.getEventId());
    state.setUpdatedAt(now);
    Detector detector = policy.detector(event.getLockId());
    long nominal = policy.nominalIntervalMs(event.getHeartbeatIntervalMs(), threshold);
    state.setDetector(detector.setting());
    if (detector == Detector.ACCRUAL) {
      remember(state, AccrualDetector.Estimate.declared(nominal), nominal);
    } else {
      state.setHeartbeatMeanMs(null);
      state.setHeartbeatDeviationMs(null);
      state.setHeartbeatLongestGapMs(null);
      state.setHeartbeatSamples(0);
      state.setSuspectAfterMs(null);
    }
    state.setNextCheckAt(deadline(state));
    return state;
  }

  private LockState freeState(LockState previous, LockEvent event, Instant now) {
    LockState state = newHolding(previous, event, now, null);
    endHolding(state, event, now);
    return state;
  }

  private static void endHolding(LockState state, LockEvent event, Instant now) {
    state.setStatus(LockStatus.FREE);
    state.setReleasedAt(event.getOccurredAt());
    state.setStaleSince(null);
    state.setNextCheckAt(null);
    state.setLastEventId(event.getEventId());
    state.setUpdatedAt(now);
  }

  /** A duplicate or reordered event of the current holding, if this is one. */
  private Optional<Transition> checkSequence(LockState current, LockEvent event, Instant now) {
    if (event.getSequence() == current.getLastSequence()) {
      return Optional.of(Transition.none(Outcome.DUPLICATE));
    }
    if (event.getSequence() < current.getLastSequence()) {
      Alert reordered = LockAlerts.outOfOrder(current, event, now);
      return Optional.of(Transition.alertOnly(reordered, Outcome.REORDERED));
    }
    return Optional.empty();
  }

  private Optional<Alert> gapAlert(LockState current, LockEvent event, Instant now) {
    long missing = event.getSequence() - current.getLastSequence() - 1;
    if (missing <= 0) {
      return Optional.empty();
    }
    Alert gap = LockAlerts.sequenceGap(current, event, now, missing);
    return Optional.of(gap);
  }

  /** An event of a holding that a later token has replaced: its holder is fenced but alive. */
  private Transition superseded(LockState current, LockEvent event, Instant now) {
    return zombie(
        current,
        event,
        now,
        "holding "
            + event.getFencingToken()
            + " was superseded by token "
            + current.getFencingToken());
  }

  private Transition zombie(LockState current, LockEvent event, Instant now, String why) {
    Alert alert = LockAlerts.zombie(current, event, now, why);
    if (current.getLastHeartbeatObservedAt() != null
        && current.getLastHeartbeatAt() != null
        && event.getHolder() != null
        && event.getFencingToken() == current.getFencingToken()) {
      PauseDiagnosis.Pause pause = diagnose(current, event, now);
      LockAlerts.addPause(alert, pause);
    }
    return Transition.alertOnly(alert, Outcome.ZOMBIE);
  }

  private static Transition stored(
      LockState state,
      boolean publish,
      List<Alert> alerts,
      List<ReclaimCommand> commands,
      Instant schedule,
      Optional<Duration> delay,
      Outcome outcome) {
    return new Transition(
        state, publish, alerts, commands, Optional.ofNullable(schedule), delay, outcome);
  }

  private static boolean sameHolder(HolderIdentity a, HolderIdentity b) {
    return a != null
        && b != null
        && a.getNodeId().equals(b.getNodeId())
        && a.getIncarnation().equals(b.getIncarnation());
  }
}
