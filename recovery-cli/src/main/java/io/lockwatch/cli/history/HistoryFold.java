package io.lockwatch.cli.history;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Transition;
import io.lockwatch.core.fold.InMemoryCheckSchedule;
import io.lockwatch.core.fold.LockFold;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every lock's state, folded from its history by the streams app's own {@link LockFold}: lock
 * events and operator actions are applied at their record time, and each lock is checked when its
 * check falls due, the app's punctuation at its earliest. Alerts and reclaim commands on the topics
 * are the app's output; they are not folded, and {@code replay} shows them as recorded.
 */
public final class HistoryFold {
  private final Map<String, LockState> states = new HashMap<>();
  private final InMemoryCheckSchedule schedule = new InMemoryCheckSchedule();
  private final List<String> failedChecks = new ArrayList<>();
  private final LockFold fold;
  private LockFold.Outcomes listener = (lockId, before, transition, now) -> {};

  public HistoryFold(LockStateMachine machine) {
    this.fold =
        new LockFold(
            machine,
            new LockFold.LockStates() {
              @Override
              public LockState get(String lockId) {
                return states.get(lockId);
              }

              @Override
              public void put(String lockId, LockState state) {
                states.put(lockId, state);
              }
            },
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
                if (failedChecks.size() < 100) {
                  failedChecks.add(lockId + " at " + now + ": " + error);
                }
              }
            });
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
    return switch (entry.kind()) {
      case EVENT -> Optional.of(fold.onEvent(entry.lockId(), entry.event(), entry.time()));
      case ACTION -> Optional.of(fold.onAction(entry.lockId(), entry.action(), entry.time()));
      default -> Optional.empty();
    };
  }

  /** Runs every check due at or before {@code now}, each at the time it falls due. */
  public void advanceTo(Instant now) {
    for (Optional<Instant> due = schedule.nextDue();
        due.isPresent() && !due.get().isAfter(now);
        due = schedule.nextDue()) {
      fold.runDueChecks(due.get(), Integer.MAX_VALUE);
    }
  }

  /** The lock's state as folded so far, or null for a lock never seen. */
  public LockState state(String lockId) {
    return states.get(lockId);
  }

  /** Every lock's state as folded so far, by lock id. */
  public Map<String, LockState> states() {
    return new TreeMap<>(states);
  }

  /** Checks that threw while folding (the rules could not judge a state), at most 100. */
  public List<String> failedChecks() {
    return List.copyOf(failedChecks);
  }
}
