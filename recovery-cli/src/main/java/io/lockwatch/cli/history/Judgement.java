package io.lockwatch.cli.history;

import io.lockwatch.core.Outcome;
import io.lockwatch.core.Transition;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.util.Optional;

/**
 * What the rules made of one entry, as the fold judged it: the transition (for lock events and
 * operator actions; empty for the app's own alerts and commands) and the lock as it was before.
 *
 * @param before the lock's status before the entry, null for a lock never seen
 * @param tokenBefore the lock's fencing token before the entry, or -1
 */
public record Judgement(Optional<Transition> transition, LockStatus before, long tokenBefore) {

  static LockStatus statusOf(LockState state) {
    return state == null ? null : state.getStatus();
  }

  static long tokenOf(LockState state) {
    return state == null ? -1 : state.getFencingToken();
  }

  /** The rules' outcome, or IGNORED for an entry that is not an input. */
  public Outcome outcome() {
    return transition.map(Transition::outcome).orElse(Outcome.IGNORED);
  }

  /** Whether the rules raised an alert of this reason for the entry. */
  public boolean alerted(AlertReason reason) {
    return transition.stream()
        .flatMap(t -> t.alerts().stream())
        .anyMatch(alert -> alert.getReason() == reason);
  }

  /** A piece of evidence of the rules' alert of this reason for the entry, if any. */
  public Optional<String> alertEvidence(AlertReason reason, String key) {
    return transition.stream()
        .flatMap(t -> t.alerts().stream())
        .filter(alert -> alert.getReason() == reason)
        .map(alert -> alert.getEvidence().get(key))
        .filter(java.util.Objects::nonNull)
        .findFirst();
  }

  /** The message of the rules' alert of this reason for the entry, if any. */
  public Optional<String> alertMessage(AlertReason reason) {
    return transition.stream()
        .flatMap(t -> t.alerts().stream())
        .filter(alert -> alert.getReason() == reason)
        .map(alert -> alert.getMessage())
        .findFirst();
  }
}
