package io.lockwatch.streams;

import io.lockwatch.core.WatchPolicy;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.registry.SchemaRegistries;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.internals.InputErrorHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * One TopologyTestDriver over Lockwatch's topology, with an in-memory registry of its own, the wall
 * clock under the test's control, and helpers that speak in locks and holders.
 */
final class WatchdogHarness implements AutoCloseable {
  static final Instant START = Instant.parse("2026-11-23T03:10:00Z");
  static final String LOCK = "aim_lock_config.conf";
  static final Duration CHECK_INTERVAL = Duration.ofMillis(100);
  static final HolderIdentity NODE_7 = holder("node-7", 4242);
  static final HolderIdentity NODE_4 = holder("node-4", 5151);

  final TopologyTestDriver driver;
  final TopicCatalog topics;
  final WatchdogMetrics metrics = new WatchdogMetrics();
  final AtomicBoolean caughtUp = new AtomicBoolean(true);
  private final String registryScope = "watchdog-" + UUID.randomUUID();
  private final TestInputTopic<String, LockEvent> events;
  private final TestInputTopic<String, OperatorAction> actions;
  private final TestInputTopic<String, byte[]> rawEvents;
  private final TestOutputTopic<String, LockState> states;
  private final TestOutputTopic<String, Alert> alerts;
  private final TestOutputTopic<String, ReclaimCommand> commands;
  private final TestOutputTopic<String, Incident> incidents;
  private final TestOutputTopic<byte[], byte[]> deadLetters;
  private final Map<String, Long> sequences = new HashMap<>();

  /** The registry as the app sees it: the test's registry, unless switched off. */
  final SwitchableRegistry appRegistry;

  WatchdogHarness(WatchPolicy policy) {
    this(policy, 0);
  }

  /**
   * @param inputPartitions the input topics' partition count the app is told (0: not checked); the
   *     test driver itself puts every record on partition 0
   */
  WatchdogHarness(WatchPolicy policy, int inputPartitions) {
    this(policy, inputPartitions, InputClock.PROCESSING_TIME);
  }

  /**
   * @param inputClock which time the app takes as an input's: with APPEND_TIME, the record time the
   *     test pipes (the harness's {@link #now()}, standing in for the broker's stamp)
   */
  WatchdogHarness(WatchPolicy policy, int inputPartitions, InputClock inputClock) {
    Map<String, Object> config = Map.of("schema.registry.url", "mock://" + registryScope);
    topics = TopicCatalog.fromConfig(config);
    appRegistry = new SwitchableRegistry(topics.registry());
    TopicCatalog appTopics = TopicCatalog.withRegistry(config, appRegistry);
    Properties props = new Properties();
    props.putAll(LockwatchStreamsConfig.streamsDefaults(appTopics));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lockwatch-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(InputErrorHandlers.METRICS_CONFIG, metrics);
    driver =
        new TopologyTestDriver(
            LockwatchTopology.build(
                appTopics,
                policy,
                CHECK_INTERVAL,
                (partition, nextOffset) -> caughtUp.get(),
                metrics,
                false,
                inputPartitions,
                inputClock),
            props,
            START);
    events = input(topics.lockEvents());
    actions = input(topics.operatorActions());
    rawEvents =
        driver.createInputTopic(
            topics.lockEvents().name(), new StringSerializer(), new ByteArraySerializer());
    states = output(topics.lockState());
    alerts = output(topics.alerts());
    commands = output(topics.reclaimCommands());
    incidents = output(topics.incidents());
    deadLetters = output(topics.deadLetter());
  }

  private <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  private <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  static WatchPolicy.Builder policy() {
    return WatchPolicy.builder()
        .missedBeats(3)
        .defaultThreshold(Duration.ofSeconds(30))
        .confirmTimeout(Duration.ofSeconds(60));
  }

  Instant now() {
    return START.plus(elapsed);
  }

  private Duration elapsed = Duration.ZERO;

  /** Moves Lockwatch's wall clock, running the punctuations that fall due. */
  void advance(Duration duration) {
    elapsed = elapsed.plus(duration);
    driver.advanceWallClockTime(duration);
  }

  /** Moves the wall clock in steps, as a real punctuator that fires every step would see it. */
  void advanceInSteps(Duration total, Duration step) {
    for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
      advance(step);
    }
  }

  void acquire(HolderIdentity holder, long token, Duration interval) {
    acquire(LOCK, holder, token, interval);
  }

  void acquire(String lockId, HolderIdentity holder, long token, Duration interval) {
    sequences.put(lockId + "/" + holder.getNodeId() + "/" + token, 0L);
    pipe(
        event(lockId, LockEventType.ACQUIRED, holder, token, 0, now())
            .setHeartbeatIntervalMs(interval.toMillis())
            .build());
  }

  void heartbeat(HolderIdentity holder, long token) {
    heartbeat(LOCK, holder, token, now());
  }

  void heartbeat(String lockId, HolderIdentity holder, long token, Instant holderClock) {
    long sequence = sequences.merge(lockId + "/" + holder.getNodeId() + "/" + token, 1L, Long::sum);
    pipe(event(lockId, LockEventType.HEARTBEAT, holder, token, sequence, holderClock).build());
  }

  void release(HolderIdentity holder, long token) {
    long sequence = sequences.merge(LOCK + "/" + holder.getNodeId() + "/" + token, 1L, Long::sum);
    pipe(
        event(LOCK, LockEventType.RELEASED, holder, token, sequence, now())
            .setReason("done")
            .build());
  }

  /** The reclaim trigger reports that it released the lock. */
  void reclaimed(ReclaimCommand command) {
    pipe(triggerOutcome(command, LockEventType.RECLAIMED).build());
  }

  /** The reclaim trigger reports that it refused the command. */
  void reclaimRejected(ReclaimCommand command, String reason) {
    pipe(triggerOutcome(command, LockEventType.RECLAIM_REJECTED).setReason(reason).build());
  }

  private LockEvent.Builder triggerOutcome(ReclaimCommand command, LockEventType type) {
    return event(
            command.getLockId(),
            type,
            command.getHolder(),
            command.getFencingToken(),
            command.getLastHeartbeatSequence(),
            now())
        .setCommandId(command.getCommandId())
        .setActor("trigger-1");
  }

  void operator(OperatorActionType type, long token) {
    operator(LOCK, type, token);
  }

  void operator(String lockId, OperatorActionType type, long token) {
    actions.pipeInput(
        lockId,
        OperatorAction.newBuilder()
            .setActionId(UUID.randomUUID().toString())
            .setLockId(lockId)
            .setType(type)
            .setFencingToken(token)
            .setOperator("maria")
            .setReason("hold point cleared")
            .setRequestedAt(now())
            .build(),
        now());
  }

  /**
   * Pipes a tick of ticker {@code ticker} at the harness's record time {@link #now()} (standing in
   * for the broker's append time), as an instance's ticker writes it.
   */
  void tick(String ticker, long number, long sentMonoMs, long previousLatencyMs, long blindMs) {
    HolderIdentity instance =
        HolderIdentity.newBuilder()
            .setNodeId("lockwatch-" + ticker)
            .setHost("watch-1")
            .setPid(1)
            .setIncarnation(ticker)
            .build();
    LockEvent tick =
        io.lockwatch.core.clock.Tick.event(
            instance, number, now(), sentMonoMs, previousLatencyMs, blindMs, 0);
    events.pipeInput(new TestRecord<>(io.lockwatch.core.clock.Tick.KEY, tick, now()));
  }

  /** Moves only the record time (the brokers' clock), not Lockwatch's wall clock. */
  void advanceLog(Duration duration) {
    elapsed = elapsed.plus(duration);
  }

  /** Moves only Lockwatch's wall clock (a skewed or stepped host clock), not the log's. */
  void advanceWallClockOnly(Duration duration) {
    driver.advanceWallClockTime(duration);
  }

  void pipe(LockEvent event) {
    events.pipeInput(new TestRecord<>(event.getLockId(), event, now()));
  }

  /** Pipes an event under a key of the caller's choosing (the contract says: its lock id). */
  void pipeKeyed(String key, LockEvent event) {
    events.pipeInput(new TestRecord<>(key, event, now()));
  }

  void pipeRaw(String key, byte[] value) {
    rawEvents.pipeInput(key, value, now());
  }

  static LockEvent.Builder event(
      String lockId,
      LockEventType type,
      HolderIdentity holder,
      long token,
      long sequence,
      Instant at) {
    return LockEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setLockId(lockId)
        .setType(type)
        .setFencingToken(token)
        .setHolder(holder)
        .setOccurredAt(at)
        .setSequence(sequence);
  }

  List<LockState> states() {
    return states.readValuesToList();
  }

  List<Alert> alerts() {
    return alerts.readValuesToList();
  }

  List<AlertReason> alertReasons() {
    return alerts().stream().map(Alert::getReason).toList();
  }

  List<ReclaimCommand> commands() {
    return commands.readValuesToList();
  }

  /** The incident records written since the last call (each a revision), keyed by incident id. */
  List<TestRecord<String, Incident>> incidents() {
    return incidents.readRecordsToList();
  }

  /** An incident as the app's incidents store has it now. */
  Incident storedIncident(String incidentId) {
    KeyValueStore<String, Incident> store =
        driver.getKeyValueStore(LockwatchTopology.INCIDENTS_STORE);
    return store.get(incidentId);
  }

  List<TestRecord<byte[], byte[]>> deadLetters() {
    return new ArrayList<>(deadLetters.readRecordsToList());
  }

  /** Writes a lock's state straight into the store, as a corrupt or buggy earlier write might. */
  void storeDirectly(LockState state) {
    KeyValueStore<String, LockState> store = driver.getKeyValueStore(LockwatchTopology.STATE_STORE);
    store.put(state.getLockId(), state);
  }

  /** The watchdog's locks-by-status counts, as stored. */
  Map<String, Long> statusCounts() {
    KeyValueStore<String, Long> store = driver.getKeyValueStore(LockwatchTopology.COUNTS_STORE);
    Map<String, Long> counts = new java.util.TreeMap<>();
    try (var all = store.all()) {
      all.forEachRemaining(entry -> counts.put(entry.key, entry.value));
    }
    return counts;
  }

  /** The locks by status, counted from the lock-state store. */
  Map<String, Long> statusCountsByScan() {
    KeyValueStore<String, LockState> store = driver.getKeyValueStore(LockwatchTopology.STATE_STORE);
    Map<String, Long> counts = new java.util.TreeMap<>();
    try (var all = store.all()) {
      all.forEachRemaining(entry -> counts.merge(entry.value.getStatus().name(), 1L, Long::sum));
    }
    return counts;
  }

  LockState stored(String lockId) {
    KeyValueStore<String, LockState> store = driver.getKeyValueStore(LockwatchTopology.STATE_STORE);
    return store.get(lockId);
  }

  @Override
  public void close() {
    driver.close();
    SchemaRegistries.dropInMemoryScope(registryScope);
  }

  private static HolderIdentity holder(String node, long pid) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet.local")
        .setPid(pid)
        .setIncarnation(node + "-run-1")
        .build();
  }
}
