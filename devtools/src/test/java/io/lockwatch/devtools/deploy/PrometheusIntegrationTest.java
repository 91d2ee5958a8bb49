package io.lockwatch.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.devtools.TestApps;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.streams.LockwatchApp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scraping a real app on the embedded stack, with Lockwatch's rule file as
 * shipped: a lock that freezes makes the stale-lock rule fire, and every panel of the Grafana
 * dashboard is a query Prometheus parses and answers with series. Skipped where the prometheus
 * package is not installed.
 */
@IntegrationTest
class PrometheusIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void shouldFireTheStaleLockRuleAndAnswerEveryPanelWhenALockFreezes(DevStack stack)
      throws Exception {
    Path prometheus = ExternalTool.require("prometheus", "prometheus");
    Path docker = ExternalTool.repositoryRoot().resolve("docker");
    String prefix = "prom-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = TestApps.settings(stack, prefix, dir);
    Map<String, Object> client = new HashMap<>(settings);

    try (LockwatchApp app = TestApps.startRunning(settings)) {
      int port = freePort();
      Files.copy(docker.resolve("prometheus/lockwatch-rules.yml"), dir.resolve("rules.yml"));
      Files.writeString(
          dir.resolve("prometheus.yml"),
          """
          global:
            scrape_interval: 1s
            evaluation_interval: 1s
          rule_files: [rules.yml]
          scrape_configs:
            - job_name: lockwatch
              static_configs:
                - targets: ["127.0.0.1:%d"]
          """
              .formatted(app.httpPort()));
      Process server =
          ExternalTool.start(
              dir,
              dir.resolve("prometheus.log"),
              prometheus.toString(),
              "--config.file=prometheus.yml",
              "--storage.tsdb.path=" + dir.resolve("tsdb"),
              "--web.listen-address=127.0.0.1:" + port);
      try {
        String api = "http://127.0.0.1:" + port;
        await(
            "Prometheus scraping the app",
            Duration.ofSeconds(60),
            () -> !query(api, "up{job=\"lockwatch\"} == 1").isEmpty());

        try (LockEventPublisher holder = LockEventPublisher.create(client, node7())) {
          holder
              .acquired("aim_lock_config.conf", 41, Duration.ofMillis(500))
              .get(30, TimeUnit.SECONDS);
        }
        // Frozen from the start: stale after 1.5 s, then the rule's next evaluation fires.
        JsonNode alert =
            await(
                "the stale-lock rule firing",
                Duration.ofSeconds(60),
                () -> firing(api, "LockwatchStaleLockDetected"));
        assertThat(alert.at("/labels/severity").asText()).isEqualTo("info");
        assertThat(alert.at("/annotations/summary").asText())
            .matches("Lockwatch found [0-9.]+ frozen lock\\(s\\) in the last 5 minutes");

        // Its incident, open (no trigger here), through the API and in the gauge Prometheus
        // scrapes.
        JsonNode incidents =
            JSON.readTree(
                HTTP.send(
                        HttpRequest.newBuilder(
                                URI.create(
                                    "http://127.0.0.1:" + app.httpPort() + "/incidents?open=true"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body());
        assertThat(incidents.path("count").asInt()).isEqualTo(1);
        assertThat(incidents.at("/incidents/0/incidentId").asText())
            .isEqualTo("aim_lock_config.conf@41");
        // No trigger confirms it: issued, and unconfirmed once the confirm timeout passes.
        assertThat(incidents.at("/incidents/0/state").asText())
            .isIn("RECLAIM_ISSUED", "UNCONFIRMED");
        await(
            "the open-incident gauge",
            Duration.ofSeconds(60),
            () ->
                query(api, "sum(lockwatch_incidents_open) == 1").isEmpty()
                    ? null
                    : JSON.createObjectNode());

        // Every dashboard panel's queries parse and return series.
        JsonNode dashboard =
            JSON.readTree(docker.resolve("grafana/dashboards/lockwatch.json").toFile());
        List<String> empty = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            String expr = target.path("expr").asText();
            if (query(api, expr).isEmpty()) {
              empty.add(panel.path("title").asText() + ": " + expr);
            }
          }
        }
        assertThat(empty).as("panel queries without series").isEmpty();
      } finally {
        server.destroy();
        server.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** The result of an instant query; fails the test if Prometheus refuses the expression. */
  private static JsonNode query(String api, String expr) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        api
                            + "/api/v1/query?query="
                            + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asText()).as(expr + ": " + response.body()).isEqualTo("success");
    return body.at("/data/result");
  }

  private static JsonNode firing(String api, String name) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api + "/api/v1/alerts"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    for (JsonNode alert : JSON.readTree(response.body()).at("/data/alerts")) {
      if (alert.at("/labels/alertname").asText().equals(name)
          && alert.path("state").asText().equals("firing")) {
        return alert;
      }
    }
    return null;
  }

  @FunctionalInterface
  private interface Probe<T> {
    T get() throws Exception;
  }

  private static <T> T await(String what, Duration timeout, Probe<T> probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      T value;
      try {
        value = probe.get();
      } catch (java.io.IOException notYet) {
        value = null;
      }
      if (value != null && !Boolean.FALSE.equals(value)) {
        return value;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(what + " within " + timeout);
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static HolderIdentity node7() {
    return HolderIdentity.newBuilder()
        .setNodeId("node-7")
        .setHost("node-7.fleet")
        .setPid(4242)
        .setIncarnation("b3f1")
        .build();
  }
}
