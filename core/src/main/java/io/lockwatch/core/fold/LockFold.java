package io.lockwatch.core.fold;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Transition;
import io.lockwatch.core.brake.MassStaleBrake;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.OperatorAction;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The time-driven fold of lock inputs into lock states: the one code path by which the streams app
 * judges locks live and the recovery CLI reconstructs them from history, so the two cannot drift.
 * Inputs are applied at the time Lockwatch observed them; checks run when they fall due, in
 * deadline order, each isolated from the others.
 *
 * <p>Where states and the check schedule live is the caller's: state stores in the app, memory in
 * the CLI. What the fold's outcomes turn into (records, metrics, a timeline) is the {@link
 * Outcomes} listener's.
 */
public final class LockFold {
  private final LockStateMachine machine;
  private final LockStates states;
  private final CheckSchedule schedule;
  private final Duration checkRetry;
  private final Outcomes outcomes;
  private Instant freshFrom;
  private final java.util.function.ToIntFunction<String> brakeScope;
  private final Map<Integer, MassStaleBrake> brakes = new HashMap<>();

  /** Where the fold keeps each lock's state. */
  public interface LockStates {
    /** The lock's state, or null for a lock never seen. */
    LockState get(String lockId);

    void put(String lockId, LockState state);

    /** States kept by these two functions (a map's, a store's). */
    static LockStates of(Function<String, LockState> get, BiConsumer<String, LockState> put) {
      return new LockStates() {
        @Override
        public LockState get(String lockId) {
          return get.apply(lockId);
        }

        @Override
        public void put(String lockId, LockState state) {
          put.accept(lockId, state);
        }
      };
    }
  }

  /** What the fold's work turns into. */
  public interface Outcomes {
    /**
     * An input or a check was judged; {@code transition.state()} is already stored and its next
     * check filed.
     *
     * @param before the lock's status before, null for a lock never seen
     */
    void applied(String lockId, LockStatus before, Transition transition, Instant now);

    /** Judging a due check threw; the check is filed again at {@code retryAt}. */
    default void checkFailed(String lockId, RuntimeException error, Instant retryAt, Instant now) {}

    /** A due check ran and judged the lock; called after {@link #applied}. */
    default void checkSucceeded(String lockId) {}
  }

  /**
   * @param checkRetry how long after a failed check it is tried again
   */
  public LockFold(
      LockStateMachine machine,
      LockStates states,
      CheckSchedule schedule,
      Duration checkRetry,
      Outcomes outcomes) {
    this(machine, states, schedule, checkRetry, outcomes, lockId -> 0);
  }

  /**
   * @param brakeScope the input partition of a lock: the mass-stale brake counts the holder nodes
   *     of each partition apart, as the app's tasks do (each task sees its own partition only), so
   *     that a fold of history over every partition reaches the app's verdicts
   */
  public LockFold(
      LockStateMachine machine,
      LockStates states,
      CheckSchedule schedule,
      Duration checkRetry,
      Outcomes outcomes,
      java.util.function.ToIntFunction<String> brakeScope) {
    this.machine = Objects.requireNonNull(machine);
    this.states = Objects.requireNonNull(states);
    this.schedule = Objects.requireNonNull(schedule);
    this.checkRetry = Objects.requireNonNull(checkRetry);
    this.outcomes = Objects.requireNonNull(outcomes);
    this.brakeScope = Objects.requireNonNull(brakeScope);
  }

  private MassStaleBrake brakeOf(String lockId) {
    return brakes.computeIfAbsent(
        brakeScope.applyAsInt(lockId), scope -> new MassStaleBrake(machine.policy().brake()));
  }

  /**
   * Remembers what a stored state says of its holder (when its node was last heard from): for a
   * fold that starts from stored states rather than from the first input.
   */
  public void remember(LockState state) {
    if (state.getHolder() != null && state.getLastHeartbeatObservedAt() != null) {
      brakeOf(state.getLockId())
          .heard(state.getHolder().getNodeId(), state.getLastHeartbeatObservedAt());
    }
  }

  /**
   * From now on, locks silent across {@code at} (a jump of the log's clock) are judged from it
   * afresh: stale no sooner than their threshold after it.
   */
  public void judgeAfreshFrom(Instant at) {
    if (at != null && (freshFrom == null || at.isAfter(freshFrom))) {
      freshFrom = at;
    }
  }

  /** Applies a lock event observed at {@code now}. */
  public Transition onEvent(String lockId, LockEvent event, Instant now) {
    return onEvent(lockId, event, now, null);
  }

  /**
   * Applies a lock event observed at {@code now}, read at {@code position} ({@code
   * topic-partition@offset}, cited by incidents; null when unknown).
   */
  public Transition onEvent(String lockId, LockEvent event, Instant now, String position) {
    if (event.getHolder() != null
        && (event.getType() == LockEventType.ACQUIRED
            || event.getType() == LockEventType.HEARTBEAT)) {
      // Any holding's acquire or heartbeat shows its node alive, whatever the rules make of it.
      brakeOf(lockId).heard(event.getHolder().getNodeId(), now);
    }
    LockState current = states.get(lockId);
    return apply(lockId, statusOf(current), machine.onEvent(current, event, now, position), now);
  }

  /** Applies an operator action observed at {@code now}. */
  public Transition onAction(String lockId, OperatorAction action, Instant now) {
    return onAction(lockId, action, now, null);
  }

  /** Applies an operator action observed at {@code now}, read at {@code position}. */
  public Transition onAction(String lockId, OperatorAction action, Instant now, String position) {
    LockState current = states.get(lockId);
    return apply(
        lockId, statusOf(current), machine.onOperatorAction(current, action, now, position), now);
  }

  /**
   * Runs the checks due at or before {@code now}, oldest first, at most {@code limit} of them, each
   * judged at {@code now}. A check superseded by a later schedule is dropped (the entry at the
   * lock's {@link LockStateMachine#checkAt} is the live one). A check that throws is filed again
   * {@code checkRetry} later and reported; the others go on. Failures to store an outcome are not
   * isolated: they propagate.
   *
   * @return how many scheduled checks were taken from the schedule
   */
  public int runDueChecks(Instant now, int limit) {
    return runDueChecks(now, now, limit);
  }

  /**
   * Runs the checks due at or before {@code dueBy} (no later than {@code now}), judged at {@code
   * now}: for a fold that knows every input up to {@code dueBy} has been applied, but not every
   * input up to {@code now}.
   */
  public int runDueChecks(Instant dueBy, Instant now, int limit) {
    Instant bound = dueBy.isAfter(now) ? now : dueBy;
    return schedule.visitDue(bound, limit, check -> runCheck(check, now, bound));
  }

  /**
   * Runs one check already taken from the schedule, judged at {@code now}, as {@link #runDueChecks}
   * runs each: for a fold that decides itself when a check ran (history, from the app's recorded
   * judgements).
   */
  public void runCheck(CheckSchedule.Check check, Instant now) {
    runCheck(check, now, now);
  }

  /**
   * Runs one check taken from the schedule, judged at {@code now} on the inputs observed up to
   * {@code inputsUpTo}: a heartbeat deadline after it is left for later.
   */
  public void runCheck(CheckSchedule.Check check, Instant now, Instant inputsUpTo) {
    String lockId = check.lockId();
    LockStatus before;
    Transition transition;
    try {
      LockState state = states.get(lockId);
      Instant due = state == null ? null : LockStateMachine.checkAt(state);
      if (due == null || due.isAfter(check.at())) {
        return;
      }
      before = state.getStatus();
      transition = machine.onCheck(state, now, inputsUpTo, freshFrom, brakeOf(lockId));
    } catch (RuntimeException e) {
      Instant retryAt = now.plus(checkRetry);
      schedule.schedule(retryAt, lockId);
      outcomes.checkFailed(lockId, e, retryAt, now);
      return;
    }
    apply(lockId, before, transition, now);
    outcomes.checkSucceeded(lockId);
  }

  private Transition apply(String lockId, LockStatus before, Transition transition, Instant now) {
    if (transition.state() != null) {
      states.put(lockId, transition.state());
    }
    transition.scheduleCheckAt().ifPresent(at -> schedule.schedule(at, lockId));
    outcomes.applied(lockId, before, transition, now);
    return transition;
  }

  private static LockStatus statusOf(LockState state) {
    return state == null ? null : state.getStatus();
  }
}
