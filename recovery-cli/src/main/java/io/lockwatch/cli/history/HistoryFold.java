package io.lockwatch.cli.history;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Transition;
import io.lockwatch.core.fold.CheckSchedule;
import io.lockwatch.core.fold.InMemoryCheckSchedule;
import io.lockwatch.core.fold.LockFold;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every lock's state, folded from its history by the streams app's own {@link LockFold}: lock
 * events and operator actions are applied at their record time (the broker's append time, the time
 * the app judged them at), and each lock is checked when the app checked it.
 *
 * <p>When the app checked a lock is in the log: a check that changes anything (a stale lock, a
 * reclaim command, an unconfirmed reclaim) always leaves an alert or a command stamped with the
 * time the app judged. So a check that would change the lock waits for the app's recorded output
 * about that lock and is run at its time ({@link Judgements#AS_RECORDED}); until then the lock is
 * as the app had it: not yet judged (the app lagged, was restarting, or has not run). A check that
 * changes nothing runs when it falls due. Alerts and reclaim commands are the app's output: they
 * are not re-derived, and {@code replay} shows them as recorded.
 */
public final class HistoryFold {
  private final Map<String, LockState> states = new HashMap<>();
  // Each lock's input partition, from its events: the brake counts nodes per partition, as the
  // app's tasks do.
  private final Map<String, Integer> partitions = new HashMap<>();
  private final InMemoryCheckSchedule schedule = new InMemoryCheckSchedule();
  // Due checks that would change their lock, waiting for the app's judgement, by lock.
  private final Map<String, CheckSchedule.Check> awaitingJudgement = new HashMap<>();
  private final LockStateMachine machine;
  private final Judgements judgements;
  private final LockFold fold;
  private LockFold.Outcomes listener = (lockId, before, transition, now) -> {};

  /** When the fold runs a check that changes its lock. */
  public enum Judgements {
    /** When the app's recorded alert or command about the lock says it judged it. */
    AS_RECORDED,
    /** When the check falls due (the app's punctuation at its earliest): no outputs needed. */
    AT_DUE_TIME
  }

  /** A fold that takes judgement times from the app's recorded outputs. */
  public HistoryFold(LockStateMachine machine) {
    this(machine, Judgements.AS_RECORDED);
  }

  public HistoryFold(LockStateMachine machine, Judgements judgements) {
    this.machine = machine;
    this.judgements = judgements;
    this.fold =
        new LockFold(
            machine,
            LockFold.LockStates.of(states::get, states::put),
            schedule,
            Duration.ofSeconds(1),
            new LockFold.Outcomes() {
              @Override
              public void applied(
                  String lockId, LockStatus before, Transition transition, Instant now) {
                listener.applied(lockId, before, transition, now);
              }

              @Override
              public void checkFailed(
                  String lockId, RuntimeException error, Instant retryAt, Instant now) {
                // The app retries and alerts; a history that cannot be judged is not told.
                throw new IllegalStateException(
                    "the rules could not judge " + lockId + " at " + now + ": " + error, error);
              }
            },
            lockId -> partitions.getOrDefault(lockId, 0));
  }

  /** Hands every judgement of the fold (inputs and checks) to {@code outcomes}. */
  public HistoryFold listen(LockFold.Outcomes outcomes) {
    this.listener = outcomes;
    return this;
  }

  /**
   * Applies an entry at its time, after the checks that fall due before it.
   *
   * @return the rules' judgement of the entry; empty for an entry that is not an input
   */
  public Optional<Transition> apply(Entry entry) {
    advanceTo(entry.time());
    String lockId = entry.lockId();
    return switch (entry.kind()) {
      case EVENT -> {
        partitions.put(lockId, entry.partition());
        settleQuietCheck(lockId);
        yield Optional.of(fold.onEvent(lockId, entry.event(), entry.time(), position(entry)));
      }
      case ACTION -> {
        settleQuietCheck(lockId);
        yield Optional.of(fold.onAction(lockId, entry.action(), entry.time(), position(entry)));
      }
      case ALERT, COMMAND -> {
        // The app spoke about this lock: a check it owed was run, on the inputs up to the
        // output's record time, at the time the output itself names.
        CheckSchedule.Check owed = awaitingJudgement.remove(lockId);
        if (owed != null) {
          fold.runCheck(owed, madeAt(entry), entry.time());
        }
        yield Optional.empty();
      }
    };
  }

  /** Where the entry sits, as the app cites its inputs: {@code topic-partition@offset}. */
  private static String position(Entry entry) {
    return entry.topic() + "-" + entry.partition() + "@" + entry.offset();
  }

  /** When the app made an output: its detection or issue time (its record time may be earlier). */
  private static Instant madeAt(Entry entry) {
    Instant made =
        entry.kind() == Entry.Kind.ALERT
            ? entry.alert().getDetectedAt()
            : entry.command().getIssuedAt();
    return made == null || made.isBefore(entry.time()) ? entry.time() : made;
  }

  /** Runs every check due at or before {@code now} that the fold can run by then. */
  public void advanceTo(Instant now) {
    for (Optional<Instant> due = schedule.nextDue();
        due.isPresent() && !due.get().isAfter(now);
        due = schedule.nextDue()) {
      Instant at = due.get();
      if (judgements == Judgements.AT_DUE_TIME) {
        fold.runDueChecks(at, Integer.MAX_VALUE);
      } else {
        schedule.visitDue(at, Integer.MAX_VALUE, this::runOrAwait);
      }
    }
  }

  private void runOrAwait(CheckSchedule.Check check) {
    if (changesNothing(check)) {
      fold.runCheck(check, check.at());
    } else {
      // At most one owed check per lock: a later one supersedes an earlier one.
      awaitingJudgement.merge(
          check.lockId(),
          check,
          (earlier, later) -> earlier.at().isAfter(later.at()) ? earlier : later);
    }
  }

  /**
   * Before an input, the app had not judged the lock (it would have said so): a check owed that
   * changes nothing now (the input's predecessor renewed the lock) ran quietly before it.
   */
  private void settleQuietCheck(String lockId) {
    CheckSchedule.Check owed = awaitingJudgement.get(lockId);
    if (owed != null && changesNothing(owed)) {
      awaitingJudgement.remove(lockId);
      fold.runCheck(owed, owed.at());
    }
  }

  /** Whether running {@code check} at its due time would leave no trace in the app's outputs. */
  private boolean changesNothing(CheckSchedule.Check check) {
    LockState state = states.get(check.lockId());
    Instant due = state == null ? null : LockStateMachine.checkAt(state);
    if (due == null || due.isAfter(check.at())) {
      return true; // superseded: the fold drops it
    }
    Transition dryRun;
    try {
      dryRun = machine.onCheck(LockState.newBuilder(state).build(), check.at());
    } catch (RuntimeException e) {
      return true; // the fold reports it
    }
    return dryRun.alerts().isEmpty()
        && dryRun.commands().isEmpty()
        && !dryRun.publish()
        && (dryRun.state() == null || dryRun.state().getStatus() == state.getStatus());
  }

  /** The lock's state as folded so far, or null for a lock never seen. */
  public LockState state(String lockId) {
    return states.get(lockId);
  }

  /** Every lock's state as folded so far, by lock id. */
  public Map<String, LockState> states() {
    return new TreeMap<>(states);
  }
}
