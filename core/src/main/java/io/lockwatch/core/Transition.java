package io.lockwatch.core;

import io.lockwatch.events.Alert;
import io.lockwatch.events.Incident;
import io.lockwatch.events.LockState;
import io.lockwatch.events.ReclaimCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of one input to the {@link LockStateMachine}: the lock's new state (if it changed),
 * whether that is a transition other services should see, what to emit, and when to look at the
 * lock next.
 *
 * @param state the state to store, or null when the stored state stays as it was
 * @param publish whether {@code state} is a transition to publish on the lock-state topic
 * @param alerts alerts to emit
 * @param commands reclaim commands to emit (at most one)
 * @param scheduleCheckAt when a new check of the lock is scheduled (an index entry to file)
 * @param detectionDelay for a reclaim issued because the heartbeat froze: issue time minus the
 *     moment the lock became reclaimable (threshold crossing plus grace)
 * @param outcome what became of the input
 * @param incidents the incidents the input changed, one record each, to emit
 */
public record Transition(
    LockState state,
    boolean publish,
    List<Alert> alerts,
    List<ReclaimCommand> commands,
    Optional<Instant> scheduleCheckAt,
    Optional<Duration> detectionDelay,
    Outcome outcome,
    List<Incident> incidents) {

  public Transition {
    alerts = List.copyOf(alerts);
    commands = List.copyOf(commands);
    incidents = List.copyOf(incidents);
  }

  /** A transition that changes no incident. */
  public Transition(
      LockState state,
      boolean publish,
      List<Alert> alerts,
      List<ReclaimCommand> commands,
      Optional<Instant> scheduleCheckAt,
      Optional<Duration> detectionDelay,
      Outcome outcome) {
    this(state, publish, alerts, commands, scheduleCheckAt, detectionDelay, outcome, List.of());
  }

  /** This transition, with these incident changes and the state and schedule they need. */
  Transition withIncidents(
      LockState stateToStore,
      Optional<Instant> schedule,
      List<Alert> alerts,
      List<Incident> changed) {
    return new Transition(
        stateToStore, publish, alerts, commands, schedule, detectionDelay, outcome, changed);
  }

  static Transition none(Outcome outcome) {
    return new Transition(
        null, false, List.of(), List.of(), Optional.empty(), Optional.empty(), outcome);
  }

  static Transition alertOnly(Alert alert, Outcome outcome) {
    return new Transition(
        null, false, List.of(alert), List.of(), Optional.empty(), Optional.empty(), outcome);
  }
}
