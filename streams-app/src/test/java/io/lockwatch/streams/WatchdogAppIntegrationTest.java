package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.contract.ReclaimCommandIds;
import io.lockwatch.schemas.serde.AvroDeserializer;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The streams app's main in a JVM of its own, on the embedded broker and registry: a frozen holder
 * is reclaimed within threshold + 1 s, and killing the app without a clean shutdown and starting it
 * again issues no second command for that token.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchdogAppIntegrationTest {

  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final Duration THRESHOLD = INTERVAL.multipliedBy(3);
  private static final HolderIdentity NODE_7 =
      HolderIdentity.newBuilder()
          .setNodeId("node-7")
          .setHost("node-7.fleet.local")
          .setPid(4242)
          .setIncarnation("run-1")
          .build();
  private static final String LOCK = "aim_lock_config.conf";

  private DevStack stack;
  private Path work;
  private Map<String, Object> clientConfig;
  private Map<String, Object> settings;
  private String prefix;
  private LockwatchProcess app;

  @BeforeAll
  void startApp(DevStack stack) throws Exception {
    this.stack = stack;
    work = Files.createTempDirectory("lockwatch-app-it-");
    prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
    clientConfig = new HashMap<>(stack.clientConfig());
    clientConfig.putAll(TopicCatalog.namedWithPrefix(prefix));
    settings = new HashMap<>(clientConfig);
    settings.put("lockwatch.application.id", prefix);
    settings.put("lockwatch.threshold.missed-beats", 3);
    settings.put("lockwatch.check.interval.ms", 100);
    settings.put("lockwatch.topics.partitions", 3);
    app = LockwatchProcess.launch(work, "first", settings);
    app.awaitReady(Duration.ofSeconds(90));
  }

  @Test
  @Order(100)
  void shouldStampInputsOnTheBrokerAndKeepChangelogSegmentsSmallWhenItCreatesItsTopics()
      throws Exception {
    try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
      ConfigResource events =
          new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".lock-events");
      ConfigResource actions =
          new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".operator-actions");
      ConfigResource changelog =
          new ConfigResource(ConfigResource.Type.TOPIC, prefix + "-lock-state-store-changelog");
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(List.of(events, actions, changelog))
              .all()
              .get(30, TimeUnit.SECONDS);

      assertThat(configs.get(events).get("message.timestamp.type").value())
          .isEqualTo("LogAppendTime");
      assertThat(configs.get(actions).get("message.timestamp.type").value())
          .isEqualTo("LogAppendTime");
      assertThat(configs.get(changelog).get("segment.bytes").value()).isEqualTo("16777216");
      assertThat(configs.get(changelog).get("segment.ms").value()).isEqualTo("600000");
      assertThat(configs.get(changelog).get("cleanup.policy").value()).isEqualTo("compact");
    }
  }

  @AfterAll
  void stopApp() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  @Test
  @Order(1)
  void shouldIssueTheReclaimWithinThresholdPlusOneSecondWhenAHolderFreezes() throws Exception {
    Instant lastHeartbeat;
    try (LockEventPublisher node7 = LockEventPublisher.create(clientConfig, NODE_7)) {
      node7.acquired(LOCK, 41, INTERVAL).get(10, TimeUnit.SECONDS);
      for (int beat = 0; beat < 3; beat++) {
        Thread.sleep(INTERVAL.toMillis());
        node7.heartbeat(LOCK, 41).get(10, TimeUnit.SECONDS);
      }
      lastHeartbeat = Instant.now();
    }

    ReclaimCommand command = awaitCommand(Duration.ofSeconds(20));
    Instant seen = Instant.now();

    assertThat(command.getCommandId()).isEqualTo(ReclaimCommandIds.of(LOCK, 41));
    assertThat(command.getFencingToken()).isEqualTo(41);
    assertThat(command.getLastHeartbeatSequence()).isEqualTo(3);
    Duration delay = Duration.between(lastHeartbeat, seen);
    System.out.println(
        "Reclaim command read "
            + delay.toMillis()
            + " ms after the last heartbeat (threshold "
            + THRESHOLD.toMillis()
            + " ms)");
    assertThat(delay).isLessThanOrEqualTo(THRESHOLD.plusSeconds(1));
    System.out.println(
        "Last heartbeat observed by Lockwatch "
            + Duration.between(lastHeartbeat, command.getLastHeartbeatObservedAt()).toMillis()
            + " ms after it was acknowledged; command issued at +"
            + Duration.between(lastHeartbeat, command.getIssuedAt()).toMillis()
            + " ms");
    Duration detection =
        Duration.between(
            command.getLastHeartbeatObservedAt().plus(THRESHOLD), command.getIssuedAt());
    System.out.println(
        "Detection delay (threshold crossing to command): " + detection.toMillis() + " ms");
    assertThat(detection).isLessThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  @Order(2)
  void shouldServeTheLockStateOverHttpWhenAsked() throws Exception {
    HttpResponse<String> lock = get("/locks/" + LOCK);
    assertThat(lock.statusCode()).isEqualTo(200);
    assertThat(lock.body())
        .contains("\"status\" : \"RECLAIM_PENDING\"")
        .contains("\"fencingToken\" : 41");
    HttpResponse<String> pending = get("/locks?status=reclaim_pending&prefix=aim_");
    assertThat(pending.body()).contains("\"count\" : 1");
    assertThat(get("/locks?status=HELD").body()).contains("\"count\" : 0");
    assertThat(get("/locks/no-such-lock").statusCode()).isEqualTo(404);
    assertThat(get("/locks?status=sleepy").statusCode()).isEqualTo(400);
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("lockwatch_reclaims_issued_total 1")
        .contains("lockwatch_locks{status=\"RECLAIM_PENDING\"} 1")
        .contains("lockwatch_detection_delay_seconds_count 1")
        .contains("kafka_stream_thread_process_rate")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  @Order(3)
  void shouldIssueNoSecondCommandAndSpareALiveLockWhenKilledAndRestarted() throws Exception {
    HolderIdentity node4 =
        HolderIdentity.newBuilder(NODE_7).setNodeId("node-4").setPid(5151).build();
    java.util.concurrent.atomic.AtomicBoolean beating =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread liveHolder;
    try (LockEventPublisher publisher = LockEventPublisher.create(clientConfig, node4)) {
      publisher.acquired("live.conf", 7, INTERVAL).get(10, TimeUnit.SECONDS);
      liveHolder =
          new Thread(
              () -> {
                while (beating.get()) {
                  publisher.heartbeat("live.conf", 7);
                  try {
                    Thread.sleep(INTERVAL.toMillis());
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      liveHolder.start();
      Thread.sleep(2_000);
      // A holder that dies right before Lockwatch does: it goes stale while Lockwatch is down.
      publisher.acquired("dead.conf", 3, INTERVAL).get(10, TimeUnit.SECONDS);
      // Let Lockwatch process and commit that acquire (well within the 3 s threshold).
      Thread.sleep(1_000);

      app.kill();
      // Down for twice the threshold; live.conf keeps heartbeating into the topic meanwhile.
      Thread.sleep(THRESHOLD.multipliedBy(2).toMillis());
      app.start();
      app.awaitReady(Duration.ofSeconds(90));
      Instant ready = Instant.now();
      Thread.sleep(THRESHOLD.multipliedBy(2).toMillis());
      beating.set(false);
      liveHolder.join();

      List<ReclaimCommand> commands = commands();

      assertThat(commands)
          .extracting(ReclaimCommand::getCommandId)
          .containsExactlyInAnyOrder(
              ReclaimCommandIds.of(LOCK, 41), ReclaimCommandIds.of("dead.conf", 3));
      ReclaimCommand dead =
          commands.stream()
              .filter(command -> command.getLockId().equals("dead.conf"))
              .findFirst()
              .orElseThrow();
      System.out.println(
          "dead.conf reclaimed "
              + Duration.between(ready, dead.getIssuedAt()).toMillis()
              + " ms relative to the restarted app reporting ready (restored tasks may act before the client is RUNNING)");
      assertThat(Duration.between(ready, dead.getIssuedAt())).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  @Order(4)
  void shouldDeadLetterAnUndecodablePayloadAndGoOn() throws Exception {
    byte[] json = "{\"lockId\":\"x\"}".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(prefix + ".lock-events", "x", json))
          .get(10, TimeUnit.SECONDS);
    }

    ConsumerRecord<byte[], byte[]> dead =
        awaitFirst(prefix + ".dead-letter", Duration.ofSeconds(20));

    assertThat(dead.value()).isEqualTo(json);
    Map<String, String> headers = new HashMap<>();
    for (Header header : dead.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    assertThat(headers)
        .containsEntry("__streams.errors.topic", prefix + ".lock-events")
        .containsKey("__streams.errors.offset");
    assertThat(headers.get("__streams.errors.message")).startsWith("Unknown magic byte 0x7b");
    assertThat(app.status("/health/ready")).as("still running").isEqualTo(200);
  }

  @Test
  @Order(5)
  void shouldAnswerForEveryLockFromEitherInstanceWhenTwoShareTheWork() throws Exception {
    try (LockwatchProcess second = LockwatchProcess.launch(work, "second", settings)) {
      List<String> locks = List.of(LOCK, "live.conf", "dead.conf");
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      boolean split = false;
      while (!split && System.nanoTime() < deadline) {
        Thread.sleep(500);
        split =
            app.status("/health/ready") == 200
                && second.status("/health/ready") == 200
                && localCount(app) > 0
                && localCount(second) > 0;
      }
      assertThat(split).as("both instances own some locks; logs in %s", work).isTrue();

      for (LockwatchProcess instance : List.of(app, second)) {
        assertThat(instance.get("/locks").body()).contains("\"count\" : 3");
        for (String lock : locks) {
          assertThat(instance.status("/locks/" + lock))
              .as("%s from port %d", lock, instance.port())
              .isEqualTo(200);
        }
      }
    }
  }

  /** Locks this instance holds itself; 0 while it cannot answer yet. */
  private static int localCount(LockwatchProcess instance) {
    try {
      String body = instance.get("/locks?scope=local").body();
      int at = body.indexOf("\"count\" : ");
      return at < 0 ? 0 : Integer.parseInt(body.substring(at + 10, body.indexOf(',', at)).trim());
    } catch (Exception notReadyYet) {
      return 0;
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return app.get(path);
  }

  private ReclaimCommand awaitCommand(Duration timeout) throws Exception {
    ConsumerRecord<byte[], byte[]> record = awaitFirst(prefix + ".reclaim-commands", timeout);
    AvroDeserializer<ReclaimCommand> deserializer = AvroDeserializer.forType(ReclaimCommand.class);
    deserializer.configure(clientConfig, false);
    return deserializer.deserialize(record.topic(), record.value());
  }

  private List<ReclaimCommand> commands() throws Exception {
    return TestTopics.awaitValues(
        clientConfig, prefix + ".reclaim-commands", ReclaimCommand.class, 0, Duration.ZERO);
  }

  /**
   * The first committed record of {@code topic}; assigned, not subscribed, so no group join delays
   * it.
   */
  private ConsumerRecord<byte[], byte[]> awaitFirst(String topic, Duration timeout) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // A read_committed long poll is not woken by the commit marker: it waits out fetch.max.wait.ms
    // (500 ms by default). Reclaim triggers want commands promptly, so they poll with a short wait.
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
          return record;
        }
      }
    }
    throw new AssertionError(
        "nothing on " + topic + " within " + timeout + "; app logs in " + work);
  }
}
