package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.devstack.SwitchableProxy;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.contract.LockPartitioner;
import io.lockwatch.schemas.registry.CompatibilityLevel;
import io.lockwatch.schemas.registry.SchemaRegistry;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
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
 * The watchdog's edges on the real broker and registry: a record the broker accepts but the app
 * could never write back, a record on the wrong partition, a registry that goes away. The app
 * reaches the registry through a proxy the test can switch off.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchdogSafetyIntegrationTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final int PARTITIONS = 3;
  private static final HolderIdentity NODE_7 =
      HolderIdentity.newBuilder()
          .setNodeId("node-7")
          .setHost("node-7.fleet.local")
          .setPid(4242)
          .setIncarnation("run-1")
          .build();

  private Path work;
  private String prefix;
  private Map<String, Object> clientConfig;
  private TopicCatalog topics;
  private SwitchableProxy registryProxy;
  private LockwatchProcess app;

  @BeforeAll
  void startApp(DevStack stack) throws Exception {
    work = Files.createTempDirectory("lockwatch-safety-it-");
    prefix = "safety-" + UUID.randomUUID().toString().substring(0, 8);
    clientConfig = new HashMap<>(stack.clientConfig());
    clientConfig.putAll(TopicCatalog.namedWithPrefix(prefix));
    topics = TopicCatalog.fromConfig(clientConfig);
    registryProxy = new SwitchableProxy(stack.registry().port());
    Map<String, Object> settings = new HashMap<>(clientConfig);
    settings.put(
        "schema.registry.url",
        stack.registryUrl().replace(":" + stack.registry().port(), ":" + registryProxy.port()));
    settings.put("schema.registry.retries", 0);
    settings.put("lockwatch.application.id", prefix);
    settings.put("lockwatch.check.interval.ms", 100);
    settings.put("lockwatch.topics.partitions", PARTITIONS);
    settings.put("lockwatch.schemas.refresh.ms", 500);
    app = LockwatchProcess.launch(work, "safety", settings);
    app.awaitReady(Duration.ofSeconds(90));
  }

  @AfterAll
  void stopApp() throws Exception {
    if (app != null) {
      app.close();
    }
    if (registryProxy != null) {
      registryProxy.close();
    }
  }

  @Test
  @Order(1)
  void shouldRegisterTheContractsSchemasWhenItStarts() {
    SchemaRegistry registry = topics.registry();
    for (String topic :
        List.of(
            topics.lockEvents().name(),
            topics.operatorActions().name(),
            topics.alerts().name(),
            topics.lockState().name(),
            topics.reclaimCommands().name())) {
      assertThat(registry.latest(topic + "-value").schema().getNamespace())
          .isEqualTo("io.lockwatch.events");
      assertThat(registry.compatibility(topic + "-value")).isEqualTo(CompatibilityLevel.BACKWARD);
    }
  }

  @Test
  @Order(2)
  void shouldStillReclaimAFrozenLockWhenAMegabyteLockIdWasPublishedWithLz4() throws Exception {
    String hugeId = "x".repeat(1024 * 1024);
    LockEvent poison =
        LockEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setLockId(hugeId)
            .setType(LockEventType.ACQUIRED)
            .setFencingToken(1)
            .setHolder(NODE_7)
            .setOccurredAt(Instant.now())
            .setSequence(0)
            .setHeartbeatIntervalMs(1_000L)
            .build();
    Map<String, Object> producerConfig = new HashMap<>(clientConfig);
    producerConfig.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
    try (KafkaProducer<String, LockEvent> producer =
        new KafkaProducer<>(
            producerConfig,
            new StringSerializer(),
            topics.lockEvents().valueSerde().serializer())) {
      producer
          .send(new ProducerRecord<>(topics.lockEvents().name(), hugeId, poison))
          .get(10, TimeUnit.SECONDS);
    }
    try (LockEventPublisher publisher = LockEventPublisher.create(clientConfig, NODE_7)) {
      publisher.acquired("after-poison.conf", 5, INTERVAL).get(10, TimeUnit.SECONDS);
    }

    List<ReclaimCommand> commands =
        awaitValues(topics.reclaimCommands().name(), ReclaimCommand.class, 1);

    assertThat(commands).extracting(ReclaimCommand::getLockId).containsExactly("after-poison.conf");
    ConsumerRecord<byte[], byte[]> dead = deadLetters(1).get(0);
    assertThat(headers(dead)).containsEntry("lockwatch.reason", "CONTRACT_VIOLATION");
    assertThat(dead.serializedKeySize() + dead.serializedValueSize())
        .isLessThanOrEqualTo(2 * 64 * 1024);
    assertThat(app.status("/health/ready")).isEqualTo(200);
  }

  @Test
  @Order(3)
  void shouldDeadLetterAndAlertWhenARecordSitsOnTheWrongPartition() throws Exception {
    String lockId = "python-published.conf";
    int wrong = (LockPartitioner.partitionOf(lockId, PARTITIONS) + 1) % PARTITIONS;
    LockEvent event =
        LockEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setLockId(lockId)
            .setType(LockEventType.ACQUIRED)
            .setFencingToken(9)
            .setHolder(NODE_7)
            .setOccurredAt(Instant.now())
            .setSequence(0)
            .build();
    try (KafkaProducer<String, LockEvent> producer =
        new KafkaProducer<>(
            clientConfig, new StringSerializer(), topics.lockEvents().valueSerde().serializer())) {
      producer
          .send(new ProducerRecord<>(topics.lockEvents().name(), wrong, lockId, event))
          .get(10, TimeUnit.SECONDS);
    }

    List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(2);
    assertThat(headers(dead.get(1)))
        .containsEntry("lockwatch.reason", "MISPARTITIONED")
        .containsEntry("__streams.errors.partition", Integer.toString(wrong));
    List<Alert> alerts = awaitValues(topics.alerts().name(), Alert.class, 1);
    assertThat(alerts)
        .filteredOn(alert -> alert.getReason() == AlertReason.MISPARTITIONED_INPUT)
        .singleElement()
        .satisfies(alert -> assertThat(alert.getMessage()).startsWith("node-7 (host node-7"));
    assertThat(app.status("/locks/" + lockId)).isEqualTo(404);
  }

  @Test
  @Order(4)
  void shouldPageLocksAndAnswerJsonErrorsWhenAsked() throws Exception {
    try (LockEventPublisher publisher = LockEventPublisher.create(clientConfig, NODE_7)) {
      publisher.acquired("page-two.conf", 6, Duration.ofMinutes(1)).get(10, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (app.status("/locks/page-two.conf") != 200 && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    HttpResponse<String> page = app.get("/locks?limit=1");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("\"count\" : 1").contains("\"next\" : \"");
    // A lock id with '%' and '+' in it, percent-encoded once in the path, is decoded once.
    HttpResponse<String> oddId = app.get("/locks/100%25+done.conf");
    assertThat(oddId.statusCode()).isEqualTo(404);
    assertThat(oddId.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(oddId.body()).contains("\"error\" : \"no lock 100%+done.conf\"");
    assertThat(app.status("/locks?limit=0")).isEqualTo(400);
    assertThat(app.get("/metrics").body())
        .contains("lockwatch_locks{status=\"RECLAIM_PENDING\"} 1")
        .contains("lockwatch_dead_letters_total{reason=\"MISPARTITIONED\"} 1")
        .contains("lockwatch_dead_letters_total{reason=\"CONTRACT_VIOLATION\"} 1");
  }

  @Test
  @Order(5)
  void shouldWaitAndSkipNothingWhenTheRegistryCannotBeReached() throws Exception {
    // A newer producer's schema, registered while the app cannot reach the registry (the test
    // registers directly): never seen by the app, which must fetch it.
    registryProxy.up(false);
    Schema newer = withOptionalField(LockEvent.getClassSchema(), "region");
    int newerId = topics.registry().register(topics.lockEvents().name() + "-value", newer);
    GenericRecord release = new GenericData.Record(newer);
    release.put("eventId", UUID.randomUUID().toString());
    release.put("lockId", "after-poison.conf");
    release.put("type", new GenericData.EnumSymbol(newer.getField("type").schema(), "RELEASED"));
    release.put("fencingToken", 5L);
    release.put("holder", NODE_7);
    release.put("occurredAt", Instant.now().toEpochMilli());
    release.put("sequence", 1L);
    release.put("reason", "released while the registry is away");
    release.put("attributes", Map.of());
    release.put("region", "eu-west");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(clientConfig, new StringSerializer(), new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topics.lockEvents().name(), "after-poison.conf", wire(newerId, release)))
          .get(10, TimeUnit.SECONDS);
    }
    Thread.sleep(5_000);

    assertThat(deadLetters(2)).hasSize(2);
    HttpResponse<String> ready = app.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("the schema registry could not be reached");
    assertThat(app.get("/metrics").body())
        .containsPattern("lockwatch_registry_unavailable_total [1-9]");
    assertThat(app.isAlive()).isTrue();

    registryProxy.up(true);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String state = "";
    while (System.nanoTime() < deadline && !state.contains("\"status\" : \"FREE\"")) {
      Thread.sleep(500);
      HttpResponse<String> lock = app.get("/locks/after-poison.conf");
      state = lock.statusCode() == 200 ? lock.body() : "";
    }
    assertThat(state).as("the release was applied once the registry came back").contains("FREE");
    assertThat(deadLetters(2)).hasSize(2);
  }

  @Test
  @Order(7)
  void shouldDecodeWithoutTheRegistryWhenTheSchemaWasFetchedAheadOfItsRecords() throws Exception {
    // A newer producer's schema, registered while the registry is reachable: the app fetches the
    // latest schema every lockwatch.schemas.refresh.ms (500 ms here), before any record uses it.
    Schema newer = withOptionalField(LockEvent.getClassSchema(), "zone");
    int newerId = topics.registry().register(topics.lockEvents().name() + "-value", newer);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.readString(app.log()).contains("Schema id " + newerId + " (")) {
      assertThat(System.nanoTime()).as("schema %d fetched ahead", newerId).isLessThan(deadline);
      Thread.sleep(200);
    }
    GenericRecord acquire = new GenericData.Record(newer);
    acquire.put("eventId", UUID.randomUUID().toString());
    acquire.put("lockId", "fetched-ahead.conf");
    acquire.put("type", new GenericData.EnumSymbol(newer.getField("type").schema(), "ACQUIRED"));
    acquire.put("fencingToken", 9L);
    acquire.put("holder", NODE_7);
    acquire.put("occurredAt", Instant.now().toEpochMilli());
    acquire.put("sequence", 0L);
    acquire.put("heartbeatIntervalMs", 60_000L);
    acquire.put("attributes", Map.of());
    acquire.put("zone", "a");
    String unavailableBefore = registryUnavailable();
    registryProxy.up(false);
    try {
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(clientConfig, new StringSerializer(), new ByteArraySerializer())) {
        producer
            .send(
                new ProducerRecord<>(
                    topics.lockEvents().name(), "fetched-ahead.conf", wire(newerId, acquire)))
            .get(10, TimeUnit.SECONDS);
      }
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String state = "";
      while (System.nanoTime() < deadline && !state.contains("HELD")) {
        Thread.sleep(300);
        HttpResponse<String> lock = app.get("/locks/fetched-ahead.conf");
        state = lock.statusCode() == 200 ? lock.body() : "";
      }
      assertThat(state).as("applied with the registry down").contains("HELD");
      assertThat(registryUnavailable()).as("no record waited").isEqualTo(unavailableBefore);
    } finally {
      registryProxy.up(true);
    }
  }

  /** The app's lockwatch_registry_unavailable_total line. */
  private String registryUnavailable() throws Exception {
    return app.get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith("lockwatch_registry_unavailable_total"))
        .findFirst()
        .orElse("");
  }

  @Test
  @Order(6)
  void shouldReleaseWhatItOpenedWhenStartFailsHalfWay() throws Exception {
    int port = LockwatchProcess.freePort();
    Map<String, String> settings = new HashMap<>();
    clientConfig.forEach((key, value) -> settings.put(key, String.valueOf(value)));
    settings.put("lockwatch.application.id", prefix + "-half");
    settings.put("lockwatch.http.port", Integer.toString(port));
    settings.put("num.stream.threads", "many"); // refused by Kafka Streams, after the HTTP bind

    assertThatThrownBy(() -> LockwatchApp.start(LockwatchConfig.of(settings)))
        .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
        .hasMessageContaining("num.stream.threads");

    try (java.net.ServerSocket again =
        new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).as("the HTTP port was released").isEqualTo(port);
    }
    Thread.sleep(500);
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .as("no gate refresher or HTTP thread left behind")
        .noneMatch(name -> name.equals("lockwatch-offset-gate") || name.equals("lockwatch-http"));
  }

  private static Schema withOptionalField(Schema schema, String name) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : schema.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(
        new Schema.Field(
            name,
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            null,
            Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  /** The Confluent wire format: magic byte 0, the schema id, the Avro binary encoding. */
  private static byte[] wire(int schemaId, GenericRecord record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema(), GenericData.get())
        .write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private List<ConsumerRecord<byte[], byte[]>> deadLetters(int atLeast) throws Exception {
    return TestTopics.awaitRecords(
        clientConfig, topics.deadLetter().name(), atLeast, Duration.ofSeconds(30));
  }

  private <T extends SpecificRecord> List<T> awaitValues(String topic, Class<T> type, int atLeast)
      throws Exception {
    return TestTopics.awaitValues(clientConfig, topic, type, atLeast, Duration.ofSeconds(30));
  }

  private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new HashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
