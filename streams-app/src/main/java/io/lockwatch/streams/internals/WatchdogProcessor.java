package io.lockwatch.streams.internals;

import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.OperationalAlerts;
import io.lockwatch.core.Outcome;
import io.lockwatch.core.Transition;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.core.clock.LogClock;
import io.lockwatch.core.clock.Tick;
import io.lockwatch.core.fold.LockFold;
import io.lockwatch.events.Alert;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.contract.LockPartitioner;
import io.lockwatch.streams.InputClock;
import io.lockwatch.streams.JudgementGate;
import io.lockwatch.streams.WatchdogMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds lock events and operator actions into each lock's state, and checks the locks whose time
 * has come on the input partition's log clock: when a tick moves it (broker append times), or, for
 * producer-stamped inputs only, on a wall-clock schedule. Everything it emits for one input (state
 * transition, alerts, reclaim command) and the store writes that record it are committed together
 * under exactly-once processing: a reclaim is issued once per lock and token, crashes included.
 *
 * <p>Failure isolation: an input that breaks the contract or sits on the wrong partition raises
 * {@link ContractViolation} (dead-lettered by the processing exception handler); a check that
 * throws for one lock is counted, alerted on and retried, and the other locks' checks go on.
 */
public final class WatchdogProcessor
    implements Processor<String, SpecificRecord, String, SpecificRecord>, LockFold.Outcomes {
  private static final Logger LOG = LoggerFactory.getLogger(WatchdogProcessor.class);

  /** Checks handled per round (a tick, a punctuation) at most; the rest wait for the next. */
  static final int MAX_CHECKS_PER_PUNCTUATION = 10_000;

  /** Where a task keeps the last jump of its log's clock (in the counts store, epoch ms). */
  static final String FRESH_FROM_KEY = "clock.fresh-from";

  /** How often one lock's failing check, or one producer's misplaced inputs, are alerted on. */
  static final Duration ALERT_SPACING = Duration.ofMinutes(1);

  private final WatchPolicy policy;
  private final Duration checkInterval;
  private final Duration checkRetry;
  private final JudgementGate gate;
  private final WatchdogMetrics metrics;
  private final String lockEventsTopic;
  private final int inputPartitions;
  private final InputClock inputClock;
  private final Duration clockJumpBound;
  private final Names names;
  private final Map<String, CheckFailures> failingChecks = new HashMap<>();
  private final Map<String, Instant> misplacedAlertedAt = new HashMap<>();
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, LockState> states;
  private KeyValueStore<String, Long> countsStore;
  private KeyValueStore<String, Incident> incidents;
  private Instant nextIncidentSweep;
  private StatusCounts counts;
  private LockFold fold;
  private WatchdogMetrics.TaskMetrics taskMetrics;
  private TopicPartition input;
  // The input partition's clock, from the ticks on its log (APPEND_TIME inputs only).
  private LogClock logClock;
  private long nextInputOffset = -1;
  // While a round of checks runs: the input time its judgements rest on, stamped on their outputs.
  private long judgementStamp = -1;

  /** Store and child-node names the processor is wired to. */
  public record Names(
      String stateStore,
      String indexStore,
      String countsStore,
      String commitHook,
      String stateSink,
      String alertsSink,
      String commandsSink,
      String incidentsStore,
      String incidentsSink) {}

  /** How long an ended incident stays in the task's incidents store (the topic keeps it). */
  static final Duration INCIDENT_RETENTION = Duration.ofDays(7);

  /** How often (on the log's clock) the incidents store is swept of expired ended incidents. */
  static final Duration INCIDENT_SWEEP_EVERY = Duration.ofHours(1);

  /**
   * @param inputPartitions the partition count of both input topics, to check that each input sits
   *     where its key hashes; 0 when not known (nothing is checked)
   */
  public WatchdogProcessor(
      WatchPolicy policy,
      Duration checkInterval,
      JudgementGate gate,
      WatchdogMetrics metrics,
      String lockEventsTopic,
      int inputPartitions,
      InputClock inputClock,
      Duration clockJumpBound,
      Names names) {
    this.policy = policy;
    this.checkInterval = checkInterval;
    this.checkRetry =
        checkInterval.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : checkInterval;
    this.gate = gate;
    this.metrics = metrics;
    this.lockEventsTopic = lockEventsTopic;
    this.inputPartitions = inputPartitions;
    this.inputClock = inputClock;
    this.clockJumpBound = clockJumpBound;
    this.names = names;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    // A revived task calls init() again on this instance, with its stores rolled back to the last
    // commit: nothing held in memory from before may survive.
    this.counts = null;
    this.nextInputOffset = -1;
    this.failingChecks.clear();
    this.context = context;
    this.states = context.getStateStore(names.stateStore());
    this.countsStore = context.getStateStore(names.countsStore());
    this.incidents = context.getStateStore(names.incidentsStore());
    this.nextIncidentSweep = null;
    KeyValueStore<Bytes, byte[]> indexStore = context.getStateStore(names.indexStore());
    DeadlineIndex index = new DeadlineIndex(indexStore);
    // The rules' memory (pause diagnosis) is this task's alone and starts afresh with its stores,
    // so no task's judgement depends on what another task, or this one before a revive, saw.
    this.fold =
        new LockFold(
            new LockStateMachine(policy),
            LockFold.LockStates.of(states::get, states::put),
            index,
            checkRetry,
            this);
    long rebuildStart = System.nanoTime();
    // One pass over the lock states: the deadline index and the holder nodes' last heartbeats
    // (the mass-stale brake's memory) are both derived from them.
    int filed = index.rebuild(states, fold::remember);
    LOG.info(
        "Task {}: deadline index rebuilt from the lock states, {} checks filed in {} ms",
        context.taskId(),
        filed,
        (System.nanoTime() - rebuildStart) / 1_000_000);
    this.input = new TopicPartition(lockEventsTopic, context.taskId().partition());
    WatchdogMetrics.TaskMetrics counts = metrics.forTask();
    this.taskMetrics = counts;
    CommitHook hook = context.getStateStore(names.commitHook());
    hook.listen(counts::publish, counts::discard);
    if (inputClock == InputClock.APPEND_TIME) {
      // Judged on the log's clock only: checks run when a tick moves it (onTick), never on this
      // machine's clock, which may be off, stepped or paused.
      Long freshFrom = countsStore.get(FRESH_FROM_KEY);
      Instant jump = freshFrom == null ? null : Instant.ofEpochMilli(freshFrom);
      this.logClock = new LogClock(clockJumpBound, jump);
      fold.judgeAfreshFrom(jump);
    } else {
      this.logClock = null;
      context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::checkDueLocks);
    }
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    Instant now =
        Instant.ofEpochMilli(
            inputClock == InputClock.APPEND_TIME
                ? record.timestamp()
                : context.currentSystemTimeMs());
    String lockId = record.key();
    SpecificRecord value = record.value();
    Optional<RecordMetadata> metadata = context.recordMetadata();
    metadata
        .filter(source -> source.topic().equals(lockEventsTopic))
        .ifPresent(source -> nextInputOffset = source.offset() + 1);
    String position =
        metadata
            .map(source -> source.topic() + "-" + source.partition() + "@" + source.offset())
            .orElse(null);
    if (value instanceof LockEvent event && Tick.isTick(event)) {
      onTick(event, record.timestamp(), metadata);
    } else if (value instanceof LockEvent event) {
      InputValidation.check(lockId, event);
      checkPartition(lockId, metadata, producerOf(event), event.getHolder(), event.getEventId());
      statusCounts();
      Transition transition = fold.onEvent(lockId, event, now, position);
      if (event.getType() == LockEventType.RECLAIMED && transition.outcome() == Outcome.APPLIED) {
        taskMetrics.reclaimConfirmed();
      }
    } else if (value instanceof OperatorAction action) {
      InputValidation.check(lockId, action);
      checkPartition(
          lockId, metadata, "operator " + action.getOperator(), null, action.getActionId());
      statusCounts();
      fold.onAction(lockId, action, now, position);
    } else if (value == null) {
      throw new ContractViolation(
          "a null value (tombstone) on an input topic; inputs are events, not a table");
    } else {
      throw new ContractViolation("unexpected input of type " + value.getSchema().getFullName());
    }
  }

  /**
   * Refuses an input whose key does not hash to the partition it sits on: its lock's other inputs
   * are in another task, against another state, so applying it could judge the lock on half its
   * history. Alerts (once a minute per producer) and dead-letters it.
   */
  private void checkPartition(
      String lockId,
      Optional<RecordMetadata> metadata,
      String producer,
      HolderIdentity holder,
      String inputId) {
    if (inputPartitions <= 0 || metadata.isEmpty()) {
      return;
    }
    int expected = LockPartitioner.partitionOf(lockId, inputPartitions);
    int actual = metadata.get().partition();
    if (expected == actual) {
      return;
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Instant alertedAt = misplacedAlertedAt.get(producer);
    if (alertedAt == null || !alertedAt.plus(ALERT_SPACING).isAfter(now)) {
      if (misplacedAlertedAt.size() >= 10_000) {
        misplacedAlertedAt.clear(); // bounded: at worst some producers are alerted on again
      }
      misplacedAlertedAt.put(producer, now);
      Alert alert =
          OperationalAlerts.mispartitioned(
              lockId, metadata.get().topic(), actual, expected, producer, holder, inputId, now);
      context.forward(new Record<>(lockId, alert, now.toEpochMilli()), names.alertsSink());
      taskMetrics.recordAlert(alert);
    }
    throw new ContractViolation(
        ContractViolation.MISPARTITIONED,
        "input "
            + inputId
            + " from "
            + producer
            + " is on "
            + metadata.get().topic()
            + "-"
            + actual
            + " but its key hashes to partition "
            + expected
            + " of "
            + inputPartitions
            + " (murmur2 of the UTF-8 lock id)");
  }

  private static String producerOf(LockEvent event) {
    if (event.getActor() != null) {
      return event.getActor();
    }
    HolderIdentity holder = event.getHolder();
    return holder.getNodeId() + " (host " + holder.getHost() + ")";
  }

  /**
   * A tick moves the partition's clock (once the next one confirms it), shows its jumps, and runs
   * the checks now due on it. Ticks on producer-stamped inputs say nothing of the broker's clock
   * and are passed over.
   */
  private void onTick(LockEvent event, long appendTime, Optional<RecordMetadata> metadata) {
    if (logClock == null) {
      return;
    }
    if (metadata.isPresent() && !metadata.get().topic().equals(lockEventsTopic)) {
      throw new ContractViolation(
          "a tick on " + metadata.get().topic() + "; ticks are lock events");
    }
    Tick tick =
        Tick.of(event, Instant.ofEpochMilli(appendTime))
            .orElseThrow(
                () ->
                    new ContractViolation(
                        "tick "
                            + event.getEventId()
                            + " lacks its clock readings (lockwatch.tick.*)"));
    Instant freshBefore = logClock.freshFrom().orElse(null);
    for (LogClock.Jump jump : logClock.onTick(tick)) {
      Alert alert = OperationalAlerts.clockJump(input.topic(), input.partition(), jump);
      LOG.warn("{}: {}", input, alert.getMessage());
      context.forward(new Record<>(Tick.KEY, alert, appendTime), names.alertsSink());
      taskMetrics.recordAlert(alert);
      if (jump.kind() != LogClock.JumpKind.HOST) {
        // A host's own jump is counted once, by the ticker of the instance that saw it.
        metrics.clockJump(jump.kind());
      }
    }
    Optional<Instant> freshFrom = logClock.freshFrom();
    if (freshFrom.isPresent() && !freshFrom.get().equals(freshBefore)) {
      countsStore.put(FRESH_FROM_KEY, freshFrom.get().toEpochMilli());
      fold.judgeAfreshFrom(freshFrom.get());
    }
    logClock.now().ifPresent(this::judgeOnLogClock);
    logClock.now().ifPresent(this::sweepIncidents);
  }

  /** Drops ended incidents older than the retention from the store, once an hour of log time. */
  private void sweepIncidents(Instant clock) {
    if (nextIncidentSweep != null && clock.isBefore(nextIncidentSweep)) {
      return;
    }
    nextIncidentSweep = clock.plus(INCIDENT_SWEEP_EVERY);
    Instant expired = clock.minus(INCIDENT_RETENTION);
    List<String> gone = new ArrayList<>();
    try (KeyValueIterator<String, Incident> all = incidents.all()) {
      all.forEachRemaining(
          entry -> {
            Instant resolvedAt = entry.value.getResolvedAt();
            if (resolvedAt != null && resolvedAt.isBefore(expired)) {
              gone.add(entry.key);
            }
          });
    }
    gone.forEach(incidents::delete);
  }

  /**
   * Runs the checks due before the log's clock: every input appended before it has been processed
   * (the log is read in order; inputs of the batch a tick shares its time with may still come, so
   * only strictly earlier deadlines are judged).
   */
  private void judgeOnLogClock(Instant clock) {
    statusCounts();
    judgementStamp = clock.toEpochMilli();
    try {
      fold.runDueChecks(clock.minusMillis(1), clock, MAX_CHECKS_PER_PUNCTUATION);
    } finally {
      judgementStamp = -1;
    }
  }

  /**
   * Wall-clock judgement, for inputs with producer timestamps (no log clock to judge on): only when
   * the task has processed its input to the end, since any record left could be the heartbeat that
   * renews a lock.
   */
  private void checkDueLocks(long timestamp) {
    if (!gate.caughtUp(input, nextInputOffset)) {
      metrics.judgementHeld();
      return;
    }
    // Loaded before the fold writes: loading may count the store, which must not hold a write yet.
    statusCounts();
    Instant now = Instant.ofEpochMilli(timestamp);
    fold.runDueChecks(now, now, MAX_CHECKS_PER_PUNCTUATION);
  }

  @Override
  public void checkSucceeded(String lockId) {
    if (failingChecks.remove(lockId) != null) {
      LOG.info("The check of {} succeeded again", lockId);
    }
  }

  @Override
  public void checkFailed(String lockId, RuntimeException error, Instant retryAt, Instant now) {
    taskMetrics.checkFailed();
    CheckFailures failures = failingChecks.computeIfAbsent(lockId, id -> new CheckFailures());
    failures.count++;
    if (failures.alertedAt != null && failures.alertedAt.plus(ALERT_SPACING).isAfter(now)) {
      return;
    }
    failures.alertedAt = now;
    LOG.error(
        "The check of {} failed ({} time(s)); retrying every {} ms",
        lockId,
        failures.count,
        checkRetry.toMillis(),
        error);
    Alert alert = OperationalAlerts.checkFailed(lockId, error, failures.count, retryAt, now);
    context.forward(new Record<>(lockId, alert, now.toEpochMilli()), names.alertsSink());
    taskMetrics.recordAlert(alert);
  }

  /** Turns what the fold judged into records and counts; the state is already stored. */
  @Override
  public void applied(String lockId, LockStatus before, Transition transition, Instant now) {
    long timestamp = judgementStamp >= 0 ? judgementStamp : now.toEpochMilli();
    LockState state = transition.state();
    if (state != null) {
      if (state.getStatus() != before) {
        statusCounts().moved(before, state.getStatus());
      }
      if (transition.publish()) {
        context.forward(
            new Record<String, SpecificRecord>(lockId, state, timestamp), names.stateSink());
      }
    }
    for (Alert alert : transition.alerts()) {
      context.forward(
          new Record<String, SpecificRecord>(lockId, alert, timestamp), names.alertsSink());
    }
    for (ReclaimCommand command : transition.commands()) {
      context.forward(
          new Record<String, SpecificRecord>(lockId, command, timestamp), names.commandsSink());
    }
    for (Incident incident : transition.incidents()) {
      incidents.put(incident.getIncidentId(), incident);
      context.forward(
          new Record<String, SpecificRecord>(incident.getIncidentId(), incident, timestamp),
          names.incidentsSink());
    }
    taskMetrics.record(transition);
  }

  /** Loaded on first use, not in init(): a store write needs a record or punctuation context. */
  private StatusCounts statusCounts() {
    if (counts == null) {
      counts = new StatusCounts(countsStore, states);
    }
    return counts;
  }

  /** One lock's failing check: how often it failed, when it was last alerted on. */
  private static final class CheckFailures {
    private int count;
    private Instant alertedAt;
  }
}
