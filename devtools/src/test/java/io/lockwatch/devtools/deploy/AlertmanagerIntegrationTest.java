package io.lockwatch.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.lockwatch.cli.notify.AlertmanagerSink;
import io.lockwatch.cli.notify.IncidentNotifier;
import io.lockwatch.cli.notify.PagerDutySink;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.events.ReclaimReason;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier against Debian's real Alertmanager, routing to a local webhook receiver, and a
 * PagerDuty Events v2-shaped endpoint: one incident, with a notifier restart in the middle, gives
 * one firing and one resolved notification with the same labels, and trigger ... resolve under one
 * dedup key. Skipped where prometheus-alertmanager is not installed.
 */
@IntegrationTest
class AlertmanagerIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void shouldFireOnceAndResolveOnceWithTheSameLabelsWhenAnIncidentOpensAndEnds(DevStack stack)
      throws Exception {
    Path alertmanager = ExternalTool.require("prometheus-alertmanager", "prometheus-alertmanager");
    List<JsonNode> webhooks = new CopyOnWriteArrayList<>();
    List<JsonNode> pagerDuty = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> collect(exchange, webhooks));
    receiver.createContext("/pd", exchange -> collect(exchange, pagerDuty));
    receiver.start();
    int port = freePort();
    Files.writeString(
        dir.resolve("alertmanager.yml"),
        """
        route:
          receiver: hook
          group_by: [incident_id]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 4h
        receivers:
          - name: hook
            webhook_configs:
              - url: http://127.0.0.1:%d/hook
                send_resolved: true
        """
            .formatted(receiver.getAddress().getPort()));
    Process server =
        ExternalTool.start(
            dir,
            dir.resolve("alertmanager.log"),
            alertmanager.toString(),
            "--config.file=alertmanager.yml",
            "--storage.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=");
    String prefix = "notify-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> client = new HashMap<>(stack.clientConfig());
    client.putAll(TopicCatalog.namedWithPrefix(prefix));
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(topics.newTopics(1, Optional.empty())).all().get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, Incident> producer =
        new KafkaProducer<>(
            client, new StringSerializer(), topics.incidents().valueSerde().serializer())) {
      String api = "http://127.0.0.1:" + port;
      await("Alertmanager to be ready", () -> status(api + "/-/ready") == 200);
      Instant detected = Instant.now().minusSeconds(4);
      Incident incident = opened(detected);

      IncidentNotifier first = notifier(client, api, receiver).start();
      try {
        send(producer, topics, incident);
        incident.setState(IncidentState.RECLAIMED);
        incident.setRevision(2);
        send(producer, topics, incident);
        await("both revisions sent", () -> first.delivered() >= 2);
        await("the firing notification", () -> count(webhooks, "firing") == 1);
      } finally {
        first.close();
      }
      // A restart: the next notifier goes on from the committed position.
      IncidentNotifier second = notifier(client, api, receiver).start();
      try {
        incident.setState(IncidentState.RESOLVED);
        incident.setResolution(IncidentResolution.ALL_CLEAR);
        incident.setSeverity(AlertSeverity.INFO);
        incident.setResolvedAt(Instant.now());
        incident.setRevision(3);
        send(producer, topics, incident);
        await("the resolved notification", () -> count(webhooks, "resolved") == 1);
        await(
            "the resolve event",
            () ->
                pagerDuty.stream()
                    .anyMatch(event -> "resolve".equals(event.path("event_action").asText())));
      } finally {
        second.close();
      }
    } finally {
      server.destroy();
      server.waitFor(10, TimeUnit.SECONDS);
      receiver.stop(0);
    }

    assertThat(count(webhooks, "firing")).as("firing notifications").isEqualTo(1);
    assertThat(count(webhooks, "resolved")).as("resolved notifications").isEqualTo(1);
    JsonNode firing = alertOf(webhooks, "firing");
    JsonNode resolved = alertOf(webhooks, "resolved");
    assertThat(resolved.path("labels")).isEqualTo(firing.path("labels"));
    assertThat(firing.path("labels").path("alertname").asText())
        .isEqualTo(AlertmanagerSink.ALERT_NAME);
    assertThat(firing.path("labels").path("incident_id").asText())
        .isEqualTo("aim_lock_config.conf@42");
    assertThat(resolved.path("annotations").path("resolution").asText()).isEqualTo("ALL_CLEAR");

    assertThat(pagerDuty)
        .extracting(event -> event.path("dedup_key").asText())
        .containsOnly("aim_lock_config.conf@42");
    assertThat(pagerDuty)
        .extracting(event -> event.path("event_action").asText())
        .containsExactly("trigger", "trigger", "resolve");
    assertThat(pagerDuty.get(0).path("payload").path("severity").asText()).isEqualTo("warning");
    assertThat(pagerDuty.get(0).path("routing_key").asText()).isEqualTo("test-routing-key");
  }

  private static IncidentNotifier notifier(
      Map<String, Object> client, String api, HttpServer receiver) {
    return IncidentNotifier.builder(client)
        .groupId("notify-test")
        .refreshEvery(Duration.ofSeconds(30))
        .maxBackoff(Duration.ofSeconds(1))
        .sink(new AlertmanagerSink(URI.create(api)))
        .sink(
            new PagerDutySink(
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/pd"),
                "test-routing-key"))
        .build();
  }

  private static Incident opened(Instant detected) {
    HolderIdentity node7 =
        HolderIdentity.newBuilder()
            .setNodeId("node-7")
            .setHost("node-7.fleet.local")
            .setPid(4242)
            .setIncarnation("node-7-run-1")
            .build();
    return Incident.newBuilder()
        .setIncidentId("aim_lock_config.conf@42")
        .setLockId("aim_lock_config.conf")
        .setFencingToken(42)
        .setHolder(node7)
        .setCause(ReclaimReason.HEARTBEAT_FROZEN)
        .setState(IncidentState.RECLAIM_ISSUED)
        .setSeverity(IncidentRules.severityOf(IncidentState.RECLAIM_ISSUED))
        .setRevision(1)
        .setPolicy(ReclaimPolicy.AUTO)
        .setThresholdMs(3_000)
        .setLastHeartbeatObservedAt(detected.minusSeconds(3))
        .setStaleSince(detected)
        .setDetectedAt(detected)
        .setTimeToDetectMs(3_000)
        .setUpdatedAt(detected)
        .build();
  }

  private static void send(
      KafkaProducer<String, Incident> producer, TopicCatalog topics, Incident incident)
      throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topics.incidents().name(),
                incident.getIncidentId(),
                Incident.newBuilder(incident).build()))
        .get(30, TimeUnit.SECONDS);
  }

  private static long count(List<JsonNode> webhooks, String status) {
    return webhooks.stream().filter(body -> status.equals(body.path("status").asText())).count();
  }

  private static JsonNode alertOf(List<JsonNode> webhooks, String status) {
    return webhooks.stream()
        .filter(body -> status.equals(body.path("status").asText()))
        .findFirst()
        .orElseThrow()
        .path("alerts")
        .get(0);
  }

  private static void collect(com.sun.net.httpserver.HttpExchange exchange, List<JsonNode> into)
      throws java.io.IOException {
    try (exchange) {
      into.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private static int status(String url) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception notYet) {
      return -1;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static int freePort() throws java.io.IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
