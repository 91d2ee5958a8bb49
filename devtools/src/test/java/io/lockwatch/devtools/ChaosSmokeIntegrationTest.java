package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.LockwatchApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite's smoke run, in the default suite: the streams app on a three-node cluster, a
 * fleet of live and freezing holders, and the broker leading the lock events killed and brought
 * back while they heartbeat. A verifier in the style of Kafka's exactly-once system tests reads the
 * reclaim commands (read_committed) and checks: exactly one per frozen holding, none for a live
 * one.
 */
@IntegrationTest
class ChaosSmokeIntegrationTest {
  private static final Duration INTERVAL = Duration.ofSeconds(3); // threshold 9 s
  private static final int LIVE = 6;
  private static final int FROZEN = 3;

  @TempDir Path dir;

  @Test
  void shouldReclaimEachFrozenHoldingOnceAndNoLiveOneWhenALeaderBrokerDies() throws Exception {
    try (DevStack stack = DevStack.startReplicated()) {
      Map<String, String> settings = new HashMap<>();
      stack.clientConfig().forEach((key, value) -> settings.put(key, String.valueOf(value)));
      settings.putAll(TopicCatalog.namedWithPrefix("chaos"));
      settings.put("lockwatch.application.id", "chaos");
      settings.put("lockwatch.check.interval.ms", "100");
      settings.put("lockwatch.topics.partitions", "3");
      settings.put("lockwatch.http.port", "0");
      settings.put("state.dir", dir.resolve("state").toString());
      Map<String, Object> client = new HashMap<>(settings);
      TopicCatalog topics = TopicCatalog.fromConfig(client);
      List<LockEventPublisher> holders = new ArrayList<>();
      try (LockwatchApp app = LockwatchApp.start(LockwatchConfig.of(settings))) {
        awaitRunning(app);
        for (int i = 0; i < LIVE + FROZEN; i++) {
          LockEventPublisher holder = LockEventPublisher.create(client, holder("node-" + i));
          holders.add(holder);
          holder.acquired(lock(i), 100 + i, INTERVAL).get(30, TimeUnit.SECONDS);
        }
        int killed = -1;
        long start = System.nanoTime();
        for (int round = 1; round <= 12; round++) {
          Thread.sleep(INTERVAL.toMillis());
          for (int i = 0; i < LIVE + FROZEN; i++) {
            if (i < LIVE || round <= 2) {
              holders.get(i).heartbeat(lock(i), 100 + i); // the frozen ones stop after round 2
            }
          }
          if (round == 3) {
            killed = stack.kafka().leaderOf(topics.lockEvents().name(), 0);
            stack.kafka().stopNode(killed);
          }
          if (round == 7) {
            stack.kafka().startNode(killed);
          }
        }
        System.out.printf(
            "Chaos smoke: node %d (leader of the lock events) killed at round 3, back at round 7;"
                + " %d s of heartbeats%n",
            killed, (System.nanoTime() - start) / 1_000_000_000);
        for (LockEventPublisher holder : holders) {
          holder.close();
        }

        Map<String, List<Long>> commands = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
            BoundedTopicReader.readAll(
                client, topics.reclaimCommands().name(), Duration.ofSeconds(60))) {
          ReclaimCommand command =
              topics
                  .reclaimCommands()
                  .valueSerde()
                  .deserializer()
                  .deserialize(record.topic(), record.value());
          commands
              .computeIfAbsent(command.getLockId(), id -> new ArrayList<>())
              .add(command.getFencingToken());
        }
        System.out.println("Chaos smoke: commands by lock " + commands);
        Map<String, List<Long>> expected = new TreeMap<>();
        for (int i = LIVE; i < LIVE + FROZEN; i++) {
          expected.put(lock(i), List.of(100L + i));
        }
        assertThat(commands)
            .as("exactly one command per frozen holding, none for a live one")
            .isEqualTo(expected);
      }
    }
  }

  private static String lock(int i) {
    return "chaos-" + i + ".conf";
  }

  private static HolderIdentity holder(String node) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet")
        .setPid(1)
        .setIncarnation(node + "-1")
        .build();
  }

  private static void awaitRunning(LockwatchApp app) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (app.streams().state() != KafkaStreams.State.RUNNING) {
      assertThat(System.nanoTime()).as("running within 90 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
