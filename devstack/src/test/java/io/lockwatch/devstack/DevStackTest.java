package io.lockwatch.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class DevStackTest {

  private static final String CT = "application/vnd.schemaregistry.v1+json";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldServeBothOnLoopbackWhenStarted(DevStack stack) {
    assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(stack.registryUrl()).startsWith("http://127.0.0.1:").endsWith("/apis/ccompat/v7");
    System.out.println("Embedded stack startup: " + stack.startupTimings());
  }

  @Test
  void shouldDeliverCommittedRecordsWhenProducedTransactionally(DevStack stack) throws Exception {
    String topic = "devstack-transactional";
    createTopic(stack.kafka(), topic);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "devstack-test"),
            new StringSerializer(),
            new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "lock-1", "committed"));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "lock-1", "aborted"));
      producer.abortTransaction();
    }
    assertThat(readAll(stack.bootstrapServers(), topic)).containsExactly("committed");
  }

  @Test
  void shouldKeepRecordsWhenBrokerRestartsOnTheSameDirectory(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start()) {
      createTopic(kafka, "survives");
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
              new StringSerializer(),
              new StringSerializer())) {
        producer.send(new ProducerRecord<>("survives", "k", "before restart")).get();
      }
      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      kafka.start();
      assertThat(readAll(kafka.bootstrapServers(), "survives")).containsExactly("before restart");
    }
  }

  @Test
  void shouldKeepAcceptingAndServingRecordsWhenOneOfThreeNodesIsDown() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().nodes(3).build().start()) {
      try (Admin admin = Admin.create(kafka.adminConfig())) {
        admin
            .createTopics(List.of(new NewTopic("replicated", 1, (short) 3)))
            .all()
            .get(30, TimeUnit.SECONDS);
        assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
      }
      Map<String, Object> producerConfig =
          Map.of(
              ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
              kafka.bootstrapServers(),
              ProducerConfig.ACKS_CONFIG,
              "all",
              ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
              30_000,
              ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
              10_000);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
        producer
            .send(new ProducerRecord<>("replicated", "k", "three up"))
            .get(30, TimeUnit.SECONDS);
        kafka.stopNode(kafka.leaderOf("replicated", 0));
        producer.send(new ProducerRecord<>("replicated", "k", "two up")).get(30, TimeUnit.SECONDS);
      }
      assertThat(readAll(kafka.bootstrapServers(), "replicated"))
          .containsExactly("three up", "two up");
      for (int node = 1; node <= kafka.size(); node++) {
        kafka.startNode(node);
      }
      assertThat(kafka.isRunning(1) && kafka.isRunning(2) && kafka.isRunning(3)).isTrue();
    }
  }

  @Test
  void shouldRefuseAnIncompatibleSchemaWhenCompatibilityIsBackward(DevStack stack)
      throws Exception {
    String subject = stack.registryUrl() + "/subjects/devstack-compat-value/versions";
    String v1 = schema("{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"}");
    String v2WithoutDefault =
        schema(
            "{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"string\\\"},"
                + "{\\\"name\\\":\\\"b\\\",\\\"type\\\":\\\"int\\\"}");

    assertThat(post(subject, v1).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = post(subject, v2WithoutDefault);

    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("\"error_code\":409");
  }

  private static String schema(String fields) {
    return "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"T\\\",\\\"fields\\\":["
        + fields
        + "]}\"}";
  }

  private HttpResponse<String> post(String url, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", CT)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void createTopic(EmbeddedKafka kafka, String topic) throws Exception {
    try (Admin admin = Admin.create(kafka.adminConfig())) {
      admin
          .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> readAll(String bootstrap, String topic) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<String> values = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (consumer.position(partition) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
      return values;
    }
  }
}
