package io.lockwatch.cli.history;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Transition;
import io.lockwatch.events.LockState;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Every lock's state, folded from its history with the streams app's own {@link LockStateMachine}:
 * lock events and operator actions are applied at their record time, and each lock is checked at
 * the time the app schedules its check (the app looks within its check interval after that), so a
 * frozen heartbeat turns the lock stale here exactly as it does there. Alerts and reclaim commands
 * on the topics are the app's output; they are not folded, and {@code replay} shows them as
 * recorded.
 */
public final class HistoryFold {
  private final LockStateMachine machine;
  private final Map<String, LockState> states = new HashMap<>();
  private final PriorityQueue<Check> checks =
      new PriorityQueue<>(Comparator.comparing(Check::at).thenComparing(Check::lockId));

  public HistoryFold(LockStateMachine machine) {
    this.machine = machine;
  }

  private record Check(Instant at, String lockId) {}

  /** Applies an entry at its time, after the checks that fall due before it. */
  public void apply(Entry entry) {
    advanceTo(entry.time());
    if (entry.kind() != Entry.Kind.EVENT && entry.kind() != Entry.Kind.ACTION) {
      return;
    }
    LockState current = states.get(entry.lockId());
    Transition transition =
        entry.kind() == Entry.Kind.EVENT
            ? machine.onEvent(current, entry.event(), entry.time())
            : machine.onOperatorAction(current, entry.action(), entry.time());
    // Most transitions update the stored object in place: no second lookup then.
    if (transition.state() != null && transition.state() != current) {
      states.put(entry.lockId(), transition.state());
    }
    transition.scheduleCheckAt().ifPresent(at -> checks.add(new Check(at, entry.lockId())));
  }

  /** Runs every check due at or before {@code now}. */
  public void advanceTo(Instant now) {
    while (!checks.isEmpty() && !checks.peek().at().isAfter(now)) {
      Check check = checks.poll();
      LockState state = states.get(check.lockId());
      if (state != null) {
        record(check.lockId(), machine.onCheck(state, check.at()));
      }
    }
  }

  private void record(String lockId, Transition transition) {
    if (transition.state() != null) {
      states.put(lockId, transition.state());
    }
    transition.scheduleCheckAt().ifPresent(at -> checks.add(new Check(at, lockId)));
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
