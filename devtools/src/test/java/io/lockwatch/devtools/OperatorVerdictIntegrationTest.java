package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.cli.LockwatchCli;
import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.contract.LockPartitioner;
import io.lockwatch.schemas.contract.ReclaimCommandIds;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.LockwatchApp;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's actions against a live app: each waits for the app's verdict, exits 0 when the app
 * acts on it and 1 with the app's own reason when it refuses.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorVerdictIntegrationTest {
  private static final String LOCK = "aim_hold.conf";

  private Path config;
  private Map<String, Object> client;
  private TopicCatalog topics;
  private LockwatchApp app;

  @AfterAll
  void stopApp() {
    if (app != null) {
      app.close();
    }
  }

  @BeforeAll
  void startApp(DevStack stack, @TempDir Path dir) throws Exception {
    String prefix = "verdicts-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = TestApps.settings(stack, prefix, dir);
    settings.put("lockwatch.threshold.min.ms", "1000");
    settings.put("lockwatch.policy.rules", "aim_*=hold");
    config = dir.resolve("lockwatch.properties");
    StringBuilder properties = new StringBuilder();
    settings.forEach((key, value) -> properties.append(key).append('=').append(value).append('\n'));
    Files.writeString(config, properties);
    client = new HashMap<>(settings);
    topics = TopicCatalog.fromConfig(client);
    app = TestApps.startRunning(settings);
  }

  @Test
  void shouldReportTheAppsVerdictWhenAnOperatorDeniesApprovesOrReclaims() throws Exception {
    HolderIdentity node7 =
        HolderIdentity.newBuilder()
            .setNodeId("node-7")
            .setHost("node-7.fleet")
            .setPid(4242)
            .setIncarnation("b3f1")
            .build();

    try (LockEventPublisher holder = LockEventPublisher.create(client, node7)) {
      holder.acquired(LOCK, 41, Duration.ofMillis(400)).get(30, TimeUnit.SECONDS);
      Thread.sleep(2_500); // frozen past 1.2 s: held for approval

      Result wrongToken = run(config, "deny", LOCK, "--token", "40", "--operator", "maria");
      assertThat(wrongToken.code).isEqualTo(1);
      assertThat(wrongToken.err)
          .isEqualTo(
              "lockwatch: Lockwatch refused it: DENY_RECLAIM by maria refused: aim_hold.conf is"
                  + " at token 41, not 40\n");

      Result denied = run(config, "deny", LOCK, "--token", "41", "--operator", "maria");
      assertThat(denied.err).isEmpty();
      assertThat(denied.code).isZero();
      assertThat(denied.lastLine())
          .isEqualTo(
              "Lockwatch denied the reclaim of aim_hold.conf token 41: no command; it stays STALE"
                  + " until its holder heartbeats or releases, or an operator requests a reclaim");

      Result lateApproval = run(config, "approve", LOCK, "--token", "41", "--operator", "ivan");
      assertThat(lateApproval.code).isEqualTo(1);
      assertThat(lateApproval.err)
          .isEqualTo(
              "lockwatch: Lockwatch refused it: APPROVE_RECLAIM by ivan refused: aim_hold.conf is"
                  + " STALE, not AWAITING_APPROVAL\n");

      String commandId = ReclaimCommandIds.of(LOCK, 41);
      Result reclaimed =
          run(config, "reclaim", LOCK, "--token", "41", "--operator", "ivan", "-r", "stuck");
      assertThat(reclaimed.err).isEmpty();
      assertThat(reclaimed.code).isZero();
      assertThat(reclaimed.lastLine())
          .isEqualTo(
              "Lockwatch issued reclaim command "
                  + commandId
                  + " for aim_hold.conf token 41, requested by ivan; a reclaim trigger acts on it");

      Result again =
          run(config, "reclaim", LOCK, "--token", "41", "--operator", "ivan", "-r", "stuck");
      assertThat(again.code).isEqualTo(1);
      assertThat(again.err)
          .startsWith(
              "lockwatch: Lockwatch refused it: REQUEST_RECLAIM by ivan refused: reclaim command "
                  + commandId
                  + " for token 41 was already issued at ");

      Result unknown =
          run(config, "reclaim", "no-such.conf", "--token", "1", "--operator", "ivan", "-r", "x");
      assertThat(unknown.code).isEqualTo(1);
      assertThat(unknown.err)
          .isEqualTo(
              "lockwatch: Lockwatch refused it: REQUEST_RECLAIM by ivan refused: Lockwatch has"
                  + " never seen no-such.conf held\n");
    }
  }

  @Test
  void shouldFindARecordOnTheWrongPartitionAndNameItsProducerWhenOneLockIsReplayed()
      throws Exception {
    String lock = "misplaced.conf";
    HolderIdentity node4 =
        HolderIdentity.newBuilder()
            .setNodeId("node-4")
            .setHost("node-4.fleet")
            .setPid(44)
            .setIncarnation("n4")
            .build();
    LockEvent acquire =
        LockEvent.newBuilder()
            .setEventId("misplaced-1")
            .setLockId(lock)
            .setType(LockEventType.ACQUIRED)
            .setFencingToken(3)
            .setHolder(node4)
            .setOccurredAt(java.time.Instant.now())
            .setSequence(0)
            .setHeartbeatIntervalMs(1000L)
            .build();
    String topic = topics.lockEvents().name();
    int partitions;
    int right;
    int wrong;
    try (KafkaProducer<String, LockEvent> producer =
        new KafkaProducer<>(
            client,
            topics.lockEvents().keySerde().serializer(),
            topics.lockEvents().valueSerde().serializer())) {
      partitions = producer.partitionsFor(topic).size();
      right = LockPartitioner.partitionOf(lock, partitions);
      wrong = (right + 1) % partitions;
      producer.send(new ProducerRecord<>(topic, wrong, lock, acquire)).get(30, TimeUnit.SECONDS);
    }
    Thread.sleep(3_000); // the app refuses it to the dead-letter topic

    Result replay = run(config, "replay", "--lock", lock, "--from", "-10m");

    assertThat(replay.code).isZero();
    assertThat(replay.err)
        .startsWith(
            "lockwatch: warning: refused by Lockwatch as on the wrong partition, not in this"
                + " history: "
                + topic
                + "-"
                + wrong
                + "@")
        .contains(
            "input misplaced-1 from node-4 (host node-4.fleet) is on "
                + topic
                + "-"
                + wrong
                + " but its key hashes to partition "
                + right
                + " of "
                + partitions);
  }

  private static Result run(Path config, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LockwatchCli.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }
}
