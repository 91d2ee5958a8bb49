package io.lockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.lockwatch.core.LockJson;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimPolicy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lockwatch locks} against an HTTP server answering as the streams app does. */
class LocksCommandTest {
  private HttpServer server;
  private final AtomicReference<String> query = new AtomicReference<>();
  private String url;

  @BeforeEach
  void setUp() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/locks",
        exchange -> {
          query.set(exchange.getRequestURI().getRawQuery());
          byte[] body;
          int status = 200;
          if ("status=WEIRD".equals(exchange.getRequestURI().getRawQuery())) {
            status = 400;
            body =
                "{\"error\":\"unknown status WEIRD; one of FREE, HELD, STALE, AWAITING_APPROVAL, RECLAIM_PENDING\"}"
                    .getBytes(StandardCharsets.UTF_8);
          } else {
            ArrayNode locks = LockJson.MAPPER.createArrayNode();
            locks.add(LockJson.of(state("aim_lock_config.conf", LockStatus.RECLAIM_PENDING, 42)));
            locks.add(LockJson.of(state("drone_fleet_routes.yaml", LockStatus.FREE, 7)));
            ObjectNode json = LockJson.MAPPER.createObjectNode();
            json.put("count", 2);
            json.set("locks", locks);
            if (String.valueOf(exchange.getRequestURI().getRawQuery()).contains("limit=2")) {
              json.put("next", "drone_fleet_routes.yaml");
            }
            body = LockJson.MAPPER.writeValueAsBytes(json);
          }
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  @Test
  void shouldPrintTheLiveLocksAsATableWhenTheAppAnswers() {
    LockwatchCliTest.Result result =
        LockwatchCliTest.run("locks", "--url", url, "--prefix", "a", "--node", "node-7");

    assertThat(result.err()).isEmpty();
    assertThat(result.code()).isZero();
    assertThat(query.get()).isEqualTo("prefix=a&holder=node-7");
    List<String> lines = result.outLines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .isEqualTo(
            "LOCK                     STATUS           HOLDER       TOKEN  LAST HEARTBEAT           SILENT FOR  THRESHOLD  POLICY");
    assertThat(lines.get(1))
        .matches(
            "aim_lock_config\\.conf     RECLAIM_PENDING  node-7/4242  42     2026-11-22 03:12:00\\.000  \\S+ +1m30s      AUTO");
    assertThat(lines.get(2))
        .isEqualTo(
            "drone_fleet_routes.yaml  FREE             node-7/4242  7      2026-11-22 03:12:00.000  -           1m30s      AUTO");
  }

  @Test
  void shouldAskForOnePageAndSayHowToGetTheNextWhenMoreLocksFollow() {
    LockwatchCliTest.Result result =
        LockwatchCliTest.run(
            "locks", "--url", url, "--limit", "2", "--after", "a b", "-o", "jsonl");

    assertThat(result.code()).isZero();
    assertThat(query.get()).isEqualTo("limit=2&after=a+b");
    assertThat(result.outLines()).hasSize(2);
    assertThat(result.err())
        .isEqualTo(
            "lockwatch: more locks follow; the next page: --after drone_fleet_routes.yaml\n");
  }

  @Test
  void shouldPassTheAppsRefusalOnInOneLineWhenTheStatusIsUnknown() {
    LockwatchCliTest.Result result =
        LockwatchCliTest.run("locks", "--url", url, "--status", "weird");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "lockwatch: unknown status WEIRD; one of FREE, HELD, STALE, AWAITING_APPROVAL, RECLAIM_PENDING\n");
  }

  @Test
  void shouldSayTheAppIsNotAnsweringWhenNothingListens() {
    server.stop(0);

    LockwatchCliTest.Result result = LockwatchCliTest.run("locks", "--url", url);

    assertThat(result.code()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "lockwatch: Lockwatch's API does not answer at " + url + " (is the app running?)\n");
  }

  @Test
  void shouldFindTheApiAtThePortOfTheSettingsWhenGivenAConfigFile(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("lockwatch.properties");
    Files.writeString(
        config,
        "lockwatch.http.host=0.0.0.0\nlockwatch.http.port=" + server.getAddress().getPort() + "\n");

    LockwatchCliTest.Result result =
        LockwatchCliTest.run("locks", "--config", config.toString(), "-o", "jsonl");

    assertThat(result.err()).isEmpty();
    assertThat(result.code()).isZero();
    assertThat(result.out().lines()).hasSize(2);
  }

  private static LockState state(String lockId, LockStatus status, long token) {
    Instant beat = Instant.parse("2026-11-22T03:12:00Z");
    return LockState.newBuilder()
        .setLockId(lockId)
        .setStatus(status)
        .setHolder(
            HolderIdentity.newBuilder()
                .setNodeId("node-7")
                .setHost("node-7.fleet.local")
                .setPid(4242)
                .setIncarnation("b3f1c2d4")
                .build())
        .setFencingToken(token)
        .setAcquiredAt(beat.minusSeconds(120))
        .setLastHeartbeatAt(beat)
        .setLastHeartbeatObservedAt(beat)
        .setLastSequence(4)
        .setHeartbeatIntervalMs(30_000L)
        .setThresholdMs(90_000)
        .setPolicy(ReclaimPolicy.AUTO)
        .setUpdatedAt(beat)
        .build();
  }
}
