package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockwatch.cli.LockwatchCli;
import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.LockwatchApp;
import io.lockwatch.streams.LockwatchTopology;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History tells what the app decided, on the app's clock: holders 7 minutes ahead and 7 minutes
 * behind, an app that was stopped while a lock froze and had to catch up on a backlog when it came
 * back. For every transition the live app published, {@code lockwatch at} that instant shows the
 * lock exactly as published, field by field; at the end, every lock as the app's store holds it.
 */
@IntegrationTest
class HistoryAgreementIntegrationTest {
  private static final Duration INTERVAL = Duration.ofMillis(500);

  @TempDir Path dir;

  @Test
  void shouldShowWhatTheAppDecidedWhenHoldersClocksAreSkewedAndTheAppLagged(DevStack stack)
      throws Exception {
    String prefix = "agreement-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> client = new HashMap<>(stack.clientConfig());
    client.putAll(TopicCatalog.namedWithPrefix(prefix));
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    Map<String, String> settings = TestApps.settings(stack, prefix, dir);
    settings.put("lockwatch.threshold.min.ms", "1000");
    settings.put("lockwatch.topics.partitions", "3");
    Path config = dir.resolve("lockwatch.properties");
    StringBuilder properties = new StringBuilder();
    client.forEach((key, value) -> properties.append(key).append('=').append(value).append('\n'));
    properties.append("lockwatch.threshold.min.ms=1000\n");
    Files.writeString(config, properties);

    LockwatchApp app = LockwatchApp.start(LockwatchConfig.of(settings));
    try (LockEventPublisher ahead = publisher(client, "node-ahead", Duration.ofMinutes(7));
        LockEventPublisher behind = publisher(client, "node-behind", Duration.ofMinutes(-7));
        LockEventPublisher steady = publisher(client, "node-steady", Duration.ZERO)) {
      TestApps.awaitRunning(app);
      ahead.acquired("ahead.conf", 11, INTERVAL).get(30, TimeUnit.SECONDS);
      behind.acquired("behind.conf", 21, INTERVAL).get(30, TimeUnit.SECONDS);
      steady.acquired("steady.conf", 31, INTERVAL).get(30, TimeUnit.SECONDS);
      steady.acquired("restart.conf", 41, INTERVAL).get(30, TimeUnit.SECONDS);
      for (int beat = 0; beat < 4; beat++) {
        Thread.sleep(INTERVAL.toMillis());
        ahead.heartbeat("ahead.conf", 11);
        behind.heartbeat("behind.conf", 21);
        steady.heartbeat("steady.conf", 31);
        steady.heartbeat("restart.conf", 41);
      }
      // ahead and behind freeze: both are judged live, on the app's clock.
      for (int beat = 0; beat < 6; beat++) {
        Thread.sleep(INTERVAL.toMillis());
        steady.heartbeat("steady.conf", 31);
        steady.heartbeat("restart.conf", 41);
      }
      // The app stops; restart.conf freezes while it is away, steady.conf goes on beating.
      app.close();
      for (int beat = 0; beat < 8; beat++) {
        Thread.sleep(INTERVAL.toMillis());
        steady.heartbeat("steady.conf", 31).get(30, TimeUnit.SECONDS);
      }
      app = LockwatchApp.start(LockwatchConfig.of(settings));
      TestApps.awaitRunning(app);
      for (int beat = 0; beat < 8; beat++) {
        Thread.sleep(INTERVAL.toMillis());
        steady.heartbeat("steady.conf", 31);
      }
      steady.released("steady.conf", 31, "done").get(30, TimeUnit.SECONDS);
      Thread.sleep(2_000);

      Map<String, LockState> store = storeOf(app);
      assertThat(store.get("ahead.conf").getStatus()).isEqualTo(LockStatus.RECLAIM_PENDING);
      assertThat(store.get("behind.conf").getStatus()).isEqualTo(LockStatus.RECLAIM_PENDING);
      assertThat(store.get("restart.conf").getStatus()).isEqualTo(LockStatus.RECLAIM_PENDING);
      assertThat(store.get("steady.conf").getStatus()).isEqualTo(LockStatus.FREE);

      List<ConsumerRecord<byte[], byte[]>> published =
          BoundedTopicReader.readAll(client, topics.lockState().name(), Duration.ofSeconds(30));
      assertThat(published).hasSizeGreaterThanOrEqualTo(8);
      int compared = 0;
      for (ConsumerRecord<byte[], byte[]> record : published) {
        LockState state =
            topics
                .lockState()
                .valueSerde()
                .deserializer()
                .deserialize(record.topic(), record.value());
        Instant at = Instant.ofEpochMilli(record.timestamp());
        JsonNode folded = atInstant(config, at).get(state.getLockId());
        assertThat(folded)
            .as("%s at %s", state.getLockId(), at)
            .isEqualTo(LockJson.MAPPER.readTree(LockJson.of(state).toString()));
        compared++;
      }
      assertThat(compared).isEqualTo(published.size());

      Map<String, JsonNode> end = atInstant(config, Instant.now());
      for (Map.Entry<String, LockState> entry : store.entrySet()) {
        assertThat(end.get(entry.getKey()))
            .as("%s at the end", entry.getKey())
            .isEqualTo(LockJson.MAPPER.readTree(LockJson.of(entry.getValue()).toString()));
      }

      // The incidents: the CLI's fold of the log gives the app's, figure for figure.
      JsonNode live = incidents(config, false);
      JsonNode folded = incidents(config, true);
      List<String> ids = new java.util.ArrayList<>();
      live.forEach(incident -> ids.add(incident.path("incidentId").asText()));
      // The three frozen holdings; steady.conf too when the app's restart outlasted its threshold.
      assertThat(ids).contains("ahead.conf@11", "behind.conf@21", "restart.conf@41");
      assertThat(folded).as("incidents folded from the log").isEqualTo(live);
    } finally {
      app.close();
    }
  }

  private static LockEventPublisher publisher(
      Map<String, Object> client, String node, Duration skew) {
    HolderIdentity holder =
        HolderIdentity.newBuilder()
            .setNodeId(node)
            .setHost(node + ".fleet")
            .setPid(100)
            .setIncarnation(node + "-1")
            .build();
    return LockEventPublisher.create(client, holder, Clock.offset(Clock.systemUTC(), skew));
  }

  /** {@code lockwatch incidents -o json}: from the topic, or folded from the history. */
  private static JsonNode incidents(Path config, boolean fromHistory) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new java.util.ArrayList<>(
            List.of("incidents", "-o", "json", "--config", config.toString()));
    if (fromHistory) {
      args.add("--from-history");
    }
    int code =
        LockwatchCli.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    return LockJson.MAPPER.readTree(out.toString());
  }

  /** Every lock as {@code lockwatch at} folds it at {@code at}, by lock id. */
  private static Map<String, JsonNode> atInstant(Path config, Instant at) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LockwatchCli.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "at",
            at.toString(),
            "--all",
            "-o",
            "json",
            "--config",
            config.toString());
    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    Map<String, JsonNode> locks = new TreeMap<>();
    for (JsonNode lock : LockJson.MAPPER.readTree(out.toString())) {
      locks.put(lock.get("lockId").asText(), lock);
    }
    return locks;
  }

  private static Map<String, LockState> storeOf(LockwatchApp app) {
    ReadOnlyKeyValueStore<String, LockState> store =
        app.streams()
            .store(
                StoreQueryParameters.fromNameAndType(
                    LockwatchTopology.STATE_STORE, QueryableStoreTypes.keyValueStore()));
    Map<String, LockState> states = new TreeMap<>();
    try (KeyValueIterator<String, LockState> all = store.all()) {
      all.forEachRemaining(entry -> states.put(entry.key, entry.value));
    }
    return states;
  }
}
