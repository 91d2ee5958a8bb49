package io.lockwatch.cli;

import io.lockwatch.cli.history.RecordedTopics;
import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.client.ReclaimOutcomes;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.JudgementGate;
import io.lockwatch.streams.LockwatchStreamsConfig;
import io.lockwatch.streams.LockwatchTopology;
import io.lockwatch.streams.WatchdogMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The node-7 incident, recorded on the embedded stack the way it happens in production: the lock
 * manager's events go to Kafka through {@link LockEventPublisher}, and Lockwatch's alerts and
 * reclaim commands are what the real topology produced from those events, run on the story's clock
 * (TopologyTestDriver, wall clock advanced event by event), copied to Kafka with their timestamps.
 * The trigger's outcome is built by {@link ReclaimOutcomes}.
 *
 * <p>aim_lock_config.conf: node-3 holds it (token 40) and releases it at 02:39:10; node-7 takes it
 * at 03:10 (token 41), heartbeats every 30 s, and freezes after 03:12:00; Lockwatch flags it and
 * commands a reclaim at 03:13:30; the trigger on node-2 reclaims it at 03:13:31; node-3 takes it at
 * 03:14 (token 42); node-7 wakes up and heartbeats with token 41 at 03:15:10 (a zombie); node-3
 * releases at 03:16. drone_fleet_routes.yaml: node-2 holds it (token 7) from 02:50 to 03:16,
 * heartbeating every 60 s.
 */
final class RecordedIncident {
  static final String LOCK = "aim_lock_config.conf";
  static final String ROUTES = "drone_fleet_routes.yaml";
  static final HolderIdentity NODE_2 = holder("node-2", 2201, "a1");
  static final HolderIdentity NODE_3 = holder("node-3", 3117, "5d0c9e21");
  static final HolderIdentity NODE_7 = holder("node-7", 4242, "b3f1c2d4");
  static final String TRIGGER = "reclaim-trigger@node-2";
  static final Duration CHECK_INTERVAL = Duration.ofMillis(250);

  final LocalDate day;
  final Map<String, Object> clientConfig;
  final TopicCatalog catalog;
  final List<ReclaimCommand> commands = new ArrayList<>();
  final Map<String, LockState> finalStates = new TreeMap<>();

  private final TopologyTestDriver driver;
  private final TestInputTopic<String, LockEvent> input;
  private final KafkaProducer<byte[], byte[]> copier;
  private Instant clock;

  private RecordedIncident(DevStack stack, LocalDate day) throws Exception {
    this.day = day;
    this.clientConfig = new HashMap<>(stack.clientConfig());
    clientConfig.putAll(TopicCatalog.namedWithPrefix("incident-" + UUID.randomUUID()));
    this.catalog = TopicCatalog.fromConfig(clientConfig);
    try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
      RecordedTopics.create(admin, catalog, 3);
    }
    Properties props = new Properties();
    props.putAll(LockwatchStreamsConfig.streamsDefaults(catalog));
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "recorded-incident");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    clock = at("02:30:00");
    driver =
        new TopologyTestDriver(
            LockwatchTopology.build(
                catalog,
                policy(),
                CHECK_INTERVAL,
                JudgementGate.open(),
                new WatchdogMetrics(),
                false),
            props,
            clock);
    input =
        driver.createInputTopic(
            catalog.lockEvents().name(),
            new StringSerializer(),
            catalog.lockEvents().valueSerde().serializer());
    copier =
        new KafkaProducer<>(clientConfig, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The streams app's default policy: threshold = 3 promised heartbeat intervals. */
  static WatchPolicy policy() {
    return WatchPolicy.builder().missedBeats(3).build();
  }

  static RecordedIncident record(DevStack stack, LocalDate day) throws Exception {
    RecordedIncident incident = new RecordedIncident(stack, day);
    try {
      incident.play();
    } finally {
      incident.close();
    }
    return incident;
  }

  /** One thing that happens at a time of the story. */
  private interface Step {
    void run() throws Exception;
  }

  private void play() throws Exception {
    List<Map.Entry<Instant, Step>> story = new ArrayList<>();
    Holding node3 = new Holding(LOCK, NODE_3, 40);
    story.add(Map.entry(at("02:38:00"), () -> node3.acquire(Duration.ofSeconds(30))));
    story.add(Map.entry(at("02:38:30"), node3::beat));
    story.add(Map.entry(at("02:39:00"), node3::beat));
    story.add(Map.entry(at("02:39:10"), () -> node3.release("update cycle finished")));

    Holding routes = new Holding(ROUTES, NODE_2, 7);
    story.add(Map.entry(at("02:50:00"), () -> routes.acquire(Duration.ofSeconds(60))));
    for (Instant beat = at("02:51:00");
        beat.isBefore(at("03:16:00"));
        beat = beat.plusSeconds(60)) {
      story.add(Map.entry(beat, routes::beat));
    }
    story.add(Map.entry(at("03:16:00"), () -> routes.release("routes published")));

    Holding node7 = new Holding(LOCK, NODE_7, 41);
    story.add(Map.entry(at("03:10:00"), () -> node7.acquire(Duration.ofSeconds(30))));
    for (String beat : List.of("03:10:30", "03:11:00", "03:11:30", "03:12:00")) {
      story.add(Map.entry(at(beat), node7::beat));
    }
    // node-7 freezes. Lockwatch's command comes out of the topology; the trigger acts on it.
    story.add(
        Map.entry(
            at("03:13:31"),
            () -> send(ReclaimOutcomes.reclaimed(commands.get(0), TRIGGER, clock))));
    Holding next = new Holding(LOCK, NODE_3, 42);
    story.add(Map.entry(at("03:14:00"), () -> next.acquire(Duration.ofSeconds(30))));
    story.add(Map.entry(at("03:14:30"), next::beat));
    story.add(Map.entry(at("03:15:00"), next::beat));
    story.add(Map.entry(at("03:15:10"), node7::beat)); // node-7 wakes up: a zombie
    story.add(Map.entry(at("03:15:30"), next::beat));
    story.add(Map.entry(at("03:16:00"), () -> next.release("config pushed")));

    story.sort(Map.Entry.comparingByKey());
    for (Map.Entry<Instant, Step> step : story) {
      advanceTo(step.getKey());
      step.getValue().run();
    }
    advanceTo(at("03:30:00"));
    try (KeyValueIterator<String, LockState> all =
        driver.<String, LockState>getKeyValueStore(LockwatchTopology.STATE_STORE).all()) {
      all.forEachRemaining(entry -> finalStates.put(entry.key, entry.value));
    }
  }

  private void close() throws Exception {
    copier.close();
    driver.close();
  }

  // ------------------------------------------------------------------ plumbing

  Instant at(String time) {
    return day.atTime(LocalTime.parse(time)).toInstant(ZoneOffset.UTC);
  }

  /** Advances Lockwatch's clock, copying whatever the topology emits to Kafka. */
  private void advanceTo(Instant time) throws Exception {
    // In check-interval steps, as the app's wall-clock punctuator runs.
    while (clock.isBefore(time)) {
      Instant next = clock.plus(CHECK_INTERVAL);
      Instant stop = next.isAfter(time) ? time : next;
      driver.advanceWallClockTime(Duration.between(clock, stop));
      clock = stop;
      copyOutputs();
    }
    copyOutputs();
  }

  private void copyOutputs() throws Exception {
    for (String topic : List.of(catalog.alerts().name(), catalog.reclaimCommands().name())) {
      TestOutputTopic<byte[], byte[]> output =
          driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      for (TestRecord<byte[], byte[]> record : output.readRecordsToList()) {
        copier
            .send(
                new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value()))
            .get(30, TimeUnit.SECONDS);
        if (topic.equals(catalog.reclaimCommands().name())) {
          commands.add(
              catalog
                  .reclaimCommands()
                  .valueSerde()
                  .deserializer()
                  .deserialize(topic, record.value()));
        }
      }
    }
  }

  private void send(LockEvent event) throws Exception {
    advanceTo(event.getOccurredAt());
    String topic = catalog.lockEvents().name();
    copier
        .send(
            new ProducerRecord<>(
                topic,
                null,
                clock.toEpochMilli(),
                event.getLockId().getBytes(StandardCharsets.UTF_8),
                catalog.lockEvents().valueSerde().serializer().serialize(topic, event)))
        .get(30, TimeUnit.SECONDS);
    input.pipeInput(event.getLockId(), event, event.getOccurredAt());
    copyOutputs();
  }

  /** One holder's holding, numbering its events as LockEventPublisher does. */
  private final class Holding {
    final String lockId;
    final HolderIdentity holder;
    final long token;
    long sequence;

    Holding(String lockId, HolderIdentity holder, long token) {
      this.lockId = lockId;
      this.holder = holder;
      this.token = token;
    }

    void acquire(Duration interval) throws Exception {
      send(event(LockEventType.ACQUIRED).setHeartbeatIntervalMs(interval.toMillis()).build());
    }

    void beat() throws Exception {
      send(event(LockEventType.HEARTBEAT).build());
    }

    void release(String reason) throws Exception {
      send(event(LockEventType.RELEASED).setReason(reason).build());
    }

    private LockEvent.Builder event(LockEventType type) {
      long seq = type == LockEventType.ACQUIRED ? 0 : ++sequence;
      return LockEvent.newBuilder()
          .setEventId(UUID.nameUUIDFromBytes((lockId + token + seq + type).getBytes()).toString())
          .setLockId(lockId)
          .setType(type)
          .setFencingToken(token)
          .setHolder(holder)
          .setOccurredAt(clock)
          .setSequence(seq);
    }
  }

  static HolderIdentity holder(String node, long pid, String incarnation) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet.local")
        .setPid(pid)
        .setIncarnation(incarnation)
        .build();
  }
}
