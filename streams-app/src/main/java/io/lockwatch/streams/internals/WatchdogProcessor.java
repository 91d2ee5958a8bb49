package io.lockwatch.streams.internals;

import io.lockwatch.events.Alert;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.streams.state.LockStateMachine;
import io.lockwatch.streams.state.Outcome;
import io.lockwatch.streams.state.Transition;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds lock events and operator actions into each lock's state, and, on a wall-clock schedule,
 * checks the locks whose time has come. Everything it emits for one input (state transition,
 * alerts, reclaim command) and the store writes that record it are committed together under
 * exactly-once processing: a reclaim is issued once per lock and token, crashes included.
 */
public final class WatchdogProcessor
    implements Processor<String, SpecificRecord, String, SpecificRecord> {

  /** Checks handled per punctuation at most; the rest wait for the next one. */
  static final int MAX_CHECKS_PER_PUNCTUATION = 10_000;

  private final LockStateMachine machine;
  private final Duration checkInterval;
  private final JudgementGate gate;
  private final WatchdogMetrics metrics;
  private final String lockEventsTopic;
  private final Names names;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, LockState> states;
  private DeadlineIndex index;
  private TopicPartition input;
  private long nextInputOffset = -1;

  /** Store and child-node names the processor is wired to. */
  public record Names(
      String stateStore,
      String indexStore,
      String stateSink,
      String alertsSink,
      String commandsSink) {}

  public WatchdogProcessor(
      LockStateMachine machine,
      Duration checkInterval,
      JudgementGate gate,
      WatchdogMetrics metrics,
      String lockEventsTopic,
      Names names) {
    this.machine = machine;
    this.checkInterval = checkInterval;
    this.gate = gate;
    this.metrics = metrics;
    this.lockEventsTopic = lockEventsTopic;
    this.names = names;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.states = context.getStateStore(names.stateStore());
    KeyValueStore<Bytes, byte[]> indexStore = context.getStateStore(names.indexStore());
    this.index = new DeadlineIndex(indexStore);
    this.input = new TopicPartition(lockEventsTopic, context.taskId().partition());
    context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::checkDueLocks);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    String lockId = record.key();
    SpecificRecord value = record.value();
    Transition transition;
    context
        .recordMetadata()
        .filter(metadata -> metadata.topic().equals(lockEventsTopic))
        .ifPresent(metadata -> nextInputOffset = metadata.offset() + 1);
    if (value instanceof LockEvent event) {
      InputValidation.check(lockId, event);
      transition = machine.onEvent(states.get(lockId), event, now);
      if (event.getType() == LockEventType.RECLAIMED && transition.outcome() == Outcome.APPLIED) {
        metrics.reclaimConfirmed();
      }
    } else if (value instanceof OperatorAction action) {
      InputValidation.check(lockId, action);
      transition = machine.onOperatorAction(states.get(lockId), action, now);
    } else if (value == null) {
      throw new ContractViolation(
          "a null value (tombstone) on an input topic; inputs are events, not a table");
    } else {
      throw new ContractViolation("unexpected input of type " + value.getSchema().getFullName());
    }
    apply(lockId, transition, now);
  }

  private void checkDueLocks(long timestamp) {
    if (!gate.caughtUp(input, nextInputOffset)) {
      // Unprocessed heartbeats may be waiting: judging now could reclaim a live lock.
      metrics.judgementHeld();
      return;
    }
    Instant now = Instant.ofEpochMilli(timestamp);
    for (DeadlineIndex.Entry entry : index.due(now, MAX_CHECKS_PER_PUNCTUATION)) {
      index.remove(entry);
      LockState state = states.get(entry.lockId());
      if (state == null
          || state.getNextCheckAt() == null
          || !state.getNextCheckAt().equals(entry.at())) {
        // Superseded by a later schedule: the entry that matches nextCheckAt is the live one.
        continue;
      }
      apply(entry.lockId(), machine.onCheck(state, now), now);
    }
  }

  private void apply(String lockId, Transition transition, Instant now) {
    long timestamp = now.toEpochMilli();
    if (transition.state() != null) {
      states.put(lockId, transition.state());
      if (transition.publish()) {
        context.forward(
            new Record<String, SpecificRecord>(lockId, transition.state(), timestamp),
            names.stateSink());
      }
    }
    transition.scheduleCheckAt().ifPresent(at -> index.schedule(at, lockId));
    for (Alert alert : transition.alerts()) {
      context.forward(
          new Record<String, SpecificRecord>(lockId, alert, timestamp), names.alertsSink());
    }
    for (ReclaimCommand command : transition.commands()) {
      context.forward(
          new Record<String, SpecificRecord>(lockId, command, timestamp), names.commandsSink());
    }
    metrics.record(transition);
  }
}
