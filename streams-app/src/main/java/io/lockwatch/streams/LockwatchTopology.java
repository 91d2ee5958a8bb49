package io.lockwatch.streams;

import io.lockwatch.core.WatchPolicy;
import io.lockwatch.events.LockState;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.internals.CommitHook;
import io.lockwatch.streams.internals.IncidentStoreSerde;
import io.lockwatch.streams.internals.LockStateStoreSerde;
import io.lockwatch.streams.internals.WatchdogProcessor;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds Lockwatch's topology from its inputs alone (no I/O, no lifecycle), so that tests drive
 * exactly what production runs.
 *
 * <pre>
 *   lock-events ──┐                           ┌─▶ lock-state       (transitions only)
 *                 ├─▶ watchdog ──────────────┼─▶ alerts
 *   operator-actions┘   │  stores:            └─▶ reclaim-commands
 *                       │   lock-state-store  (lock id → LockState, RocksDB, changelogged, compact encoding)
 *                       │   deadline-index    (check time + lock id, in memory, rebuilt from the states)
 *                       └─ checks the locks whose time has come on the log's clock: the append
 *                          times of the ticks each instance writes to the input partitions it
 *                          watches (wall-clock punctuation for producer-stamped inputs)
 * </pre>
 *
 * <p>Both inputs are keyed by lock id and must have the same number of partitions, so that a lock's
 * events and its operators' actions meet in the same task.
 */
public final class LockwatchTopology {
  public static final String LOCK_EVENTS_SOURCE = "lock-events-source";
  public static final String OPERATOR_ACTIONS_SOURCE = "operator-actions-source";
  public static final String WATCHDOG = "watchdog";
  public static final String STATE_STORE = "lock-state-store";
  public static final String INDEX_STORE = "deadline-index";
  public static final String COUNTS_STORE = "lock-status-counts";
  public static final String COMMIT_HOOK = "watchdog-commit-hook";
  public static final String STATE_SINK = "lock-state-sink";
  public static final String ALERTS_SINK = "alerts-sink";
  public static final String COMMANDS_SINK = "reclaim-commands-sink";
  public static final String INCIDENTS_SINK = "incidents-sink";
  public static final String INCIDENTS_STORE = "incidents-store";

  /** The default of {@code lockwatch.clock.jump.ms}. */
  public static final Duration DEFAULT_CLOCK_JUMP_BOUND = Duration.ofSeconds(2);

  private LockwatchTopology() {}

  /**
   * The topology.
   *
   * @param topics the topic catalog (names and serdes)
   * @param policy thresholds and reclaim policies
   * @param checkInterval how often each task checks for due locks (wall-clock punctuation)
   * @param gate whether a task's input has caught up enough to judge staleness
   * @param metrics where the watchdog counts what it does
   * @param cacheLockState whether the lock-state store has a record cache (see {@link
   *     LockwatchStreamsConfig#cacheLockState})
   */
  public static Topology build(
      TopicCatalog topics,
      WatchPolicy policy,
      Duration checkInterval,
      JudgementGate gate,
      WatchdogMetrics metrics,
      boolean cacheLockState) {
    return build(
        topics,
        policy,
        checkInterval,
        gate,
        metrics,
        cacheLockState,
        0,
        InputClock.PROCESSING_TIME);
  }

  /** As below, with the default clock-jump bound. */
  public static Topology build(
      TopicCatalog topics,
      WatchPolicy policy,
      Duration checkInterval,
      JudgementGate gate,
      WatchdogMetrics metrics,
      boolean cacheLockState,
      int inputPartitions,
      InputClock inputClock) {
    return build(
        topics,
        policy,
        checkInterval,
        gate,
        metrics,
        cacheLockState,
        inputPartitions,
        inputClock,
        DEFAULT_CLOCK_JUMP_BOUND);
  }

  /**
   * The topology, observing inputs on {@code inputClock} and checking that every input sits on the
   * partition its key hashes to.
   *
   * @param inputPartitions the partition count of the input topics; 0 checks nothing (a test
   *     driver's single partition)
   * @param inputClock which time an input was observed at: its record time on input topics whose
   *     timestamps the broker sets (then locks are judged on the ticks' append times, the log's
   *     clock), else the app's wall clock
   * @param clockJumpBound how far a log's clock may run ahead of the elapsed time before it counts
   *     as a jump (see {@link io.lockwatch.core.clock.LogClock})
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Topology build(
      TopicCatalog topics,
      WatchPolicy policy,
      Duration checkInterval,
      JudgementGate gate,
      WatchdogMetrics metrics,
      boolean cacheLockState,
      int inputPartitions,
      InputClock inputClock,
      Duration clockJumpBound) {
    Topology topology = new Topology();
    topology.addSource(
        LOCK_EVENTS_SOURCE,
        Serdes.String().deserializer(),
        (Deserializer) topics.lockEvents().valueSerde().deserializer(),
        topics.lockEvents().name());
    topology.addSource(
        OPERATOR_ACTIONS_SOURCE,
        Serdes.String().deserializer(),
        (Deserializer) topics.operatorActions().valueSerde().deserializer(),
        topics.operatorActions().name());
    WatchdogProcessor.Names names =
        new WatchdogProcessor.Names(
            STATE_STORE,
            INDEX_STORE,
            COUNTS_STORE,
            COMMIT_HOOK,
            STATE_SINK,
            ALERTS_SINK,
            COMMANDS_SINK,
            INCIDENTS_STORE,
            INCIDENTS_SINK);
    topology.addProcessor(
        WATCHDOG,
        () ->
            new WatchdogProcessor(
                policy,
                checkInterval,
                gate,
                metrics,
                topics.lockEvents().name(),
                inputPartitions,
                inputClock,
                clockJumpBound,
                names),
        LOCK_EVENTS_SOURCE,
        OPERATOR_ACTIONS_SOURCE);
    Topic<String, LockState> lockState = topics.lockState();
    var stateStore =
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(STATE_STORE),
            Serdes.String(),
            new LockStateStoreSerde());
    stateStore.withLoggingEnabled(CHANGELOG);
    topology.addStateStore(
        cacheLockState ? stateStore.withCachingEnabled() : stateStore.withCachingDisabled(),
        WATCHDOG);
    // The index is derived from the lock states (their nextCheckAt) and rebuilt from them when a
    // task starts (WatchdogProcessor.init): no changelog, so a check writes one changelog record
    // (its state), not three, and a restore reads no index records. In memory (about 100 bytes a
    // lock): rebuilding a million entries into RocksDB under the bounded write buffers stalled for
    // 30 s a task; into memory it takes a second. No cache: keys are written once, removed once.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(INDEX_STORE), Serdes.Bytes(), Serdes.ByteArray())
            .withLoggingDisabled()
            .withCachingDisabled(),
        WATCHDOG);
    // Locks by status, written on status changes only (not on a held lock's heartbeat).
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(COUNTS_STORE), Serdes.String(), Serdes.Long())
            .withLoggingEnabled(CHANGELOG)
            .withCachingDisabled(),
        WATCHDOG);
    // Every incident of the task's locks by id, latest revision: open ones, and ended ones for a
    // week (WatchdogProcessor sweeps them); a handful of entries, read by /incidents and gauges.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(INCIDENTS_STORE),
                Serdes.String(),
                new IncidentStoreSerde())
            .withLoggingEnabled(CHANGELOG)
            .withCachingDisabled(),
        WATCHDOG);
    // Counts are published when the task commits, not when it does the work (CommitHook).
    topology.addStateStore(CommitHook.builder(COMMIT_HOOK), WATCHDOG);
    addSink(topology, STATE_SINK, lockState);
    addSink(topology, ALERTS_SINK, topics.alerts());
    addSink(topology, COMMANDS_SINK, topics.reclaimCommands());
    addSink(topology, INCIDENTS_SINK, topics.incidents());
    return topology;
  }

  /**
   * The stores' changelog topics (compacted, as Kafka Streams makes them): small segments, rolled
   * at least every ten minutes, so that compaction reaches all but the newest writes and a restore
   * reads about one record per key plus the uncompacted tail, however long the app has run (the
   * active segment is never compacted). Measured at a million locks and 33k heartbeats/s: with 64
   * MiB segments (about 800k lz4-compressed states each) a restore still read 9 records per lock
   * (1.5M per partition, 33 s); the tail is bounded by the segment size, so it is kept at 16 MiB.
   * Tombstones of the deadline index are dropped after an hour.
   */
  static final Map<String, String> CHANGELOG =
      Map.of(
          TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(16 << 20),
          TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Duration.ofMinutes(10).toMillis()),
          TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1",
          TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofHours(1).toMillis()));

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <V extends SpecificRecord> void addSink(
      Topology topology, String name, Topic<String, V> topic) {
    topology.addSink(
        name,
        topic.name(),
        Serdes.String().serializer(),
        (Serializer) topic.valueSerde().serializer(),
        WATCHDOG);
  }
}
