package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.cli.IncidentStory;
import io.lockwatch.cli.LockwatchCli;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import io.lockwatch.events.IncidentState;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.ReclaimReason;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the embedded stack: the streams app detects node-7's frozen heartbeat, the reclaim
 * trigger removes the lock file, the next holder gets token + 1, and the woken-up holder is both
 * alerted on and fenced off.
 */
@IntegrationTest
class Node7ScenarioTest {

  @TempDir Path dir;

  @Test
  void shouldReclaimNode7sLockOnceWithItsTokenWhenItsHeartbeatFreezes(DevStack stack)
      throws Exception {
    StringWriter out = new StringWriter();

    Node7Scenario.Result result =
        new Node7Scenario(stack, dir, new PrintWriter(out), Duration.ofSeconds(1)).run();

    // The command carries node-7's token and the last heartbeat Lockwatch saw.
    assertThat(result.command().getFencingToken()).isEqualTo(result.node7Token());
    assertThat(result.command().getHolder().getNodeId()).isEqualTo("node-7");
    assertThat(result.command().getLastHeartbeatSequence()).isEqualTo(3);
    // Issued within threshold + 1 s: at most 1 s after the threshold crossing.
    Duration delay = Duration.between(result.thresholdCrossing(), result.command().getIssuedAt());
    System.out.println(
        "node-7 scenario: command issued " + delay.toMillis() + " ms after the threshold crossing");
    assertThat(delay).isBetween(Duration.ZERO, Duration.ofSeconds(1));
    // The lock file was removed exactly once.
    assertThat(result.outcomes()).hasSize(1);
    assertThat(result.outcomes().get(0).result().reclaimed()).isTrue();
    try (Stream<Path> files = Files.list(dir.resolve("locks"))) {
      assertThat(files.map(path -> path.getFileName().toString()))
          .filteredOn(name -> name.startsWith("aim_lock_config.conf.reclaimed-"))
          .containsExactly("aim_lock_config.conf.reclaimed-" + result.command().getCommandId());
    }
    Map<String, Object> client = stack.clientConfig();
    TopicCatalog catalog = TopicCatalog.fromConfig(client);
    List<LockEvent> reclaimed =
        BoundedTopicReader.readAll(client, catalog.lockEvents().name(), Duration.ofSeconds(30))
            .stream()
            .map(record -> decode(catalog, record))
            .filter(event -> event.getType() == LockEventType.RECLAIMED)
            .toList();
    assertThat(reclaimed).hasSize(1);
    // The next holder's token is + 1.
    assertThat(result.nextToken()).isEqualTo(result.node7Token() + 1);
    // The paused holder's resumed heartbeat is a zombie, and its write with the old token is
    // refused.
    assertThat(result.zombieAlert()).isNotNull();
    assertThat(result.zombieAlert().getFencingToken()).isEqualTo(result.node7Token());
    assertThat(result.zombieWriteRefused()).isTrue();
    assertThat(result.nextWriteAccepted()).isTrue();
    assertThat(Files.readString(dir.resolve("locks").resolve("aim_lock_config.conf")))
        .isEqualTo("fleet settings v2 (node-3, token " + result.nextToken() + ")\n");
    assertThat(out.toString()).contains("\nPostmortem of aim_lock_config.conf, ");

    // One incident, from detection to ALL CLEAR, every figure on it, from the log's clock.
    Incident incident = result.incident();
    String id = "aim_lock_config.conf@" + result.node7Token();
    assertThat(incident.getIncidentId()).isEqualTo(id);
    assertThat(incident.getResolution()).isEqualTo(IncidentResolution.ALL_CLEAR);
    assertThat(incident.getState()).isEqualTo(IncidentState.RESOLVED);
    assertThat(incident.getCause()).isEqualTo(ReclaimReason.HEARTBEAT_FROZEN);
    assertThat(incident.getHolder().getNodeId()).isEqualTo("node-7");
    assertThat(incident.getLastHeartbeatObservedAt())
        .isEqualTo(result.command().getLastHeartbeatObservedAt());
    assertThat(incident.getStaleSince()).isEqualTo(result.thresholdCrossing());
    assertThat(incident.getDetectedAt()).isEqualTo(result.command().getIssuedAt());
    assertThat(incident.getTimeToDetectMs())
        .isEqualTo(
            Duration.between(incident.getLastHeartbeatObservedAt(), incident.getDetectedAt())
                .toMillis());
    assertThat(incident.getDetectionLagMs()).isBetween(0L, 1_000L);
    assertThat(incident.getCommandId()).isEqualTo(result.command().getCommandId());
    assertThat(incident.getReclaimConfirmedAt()).isAfterOrEqualTo(incident.getReclaimIssuedAt());
    assertThat(incident.getReclaimedBy()).isEqualTo(Node7Scenario.TRIGGER);
    assertThat(incident.getNextHolder().getNodeId()).isEqualTo("node-3");
    assertThat(incident.getNextFencingToken()).isEqualTo(result.nextToken());
    assertThat(incident.getNextAcquiredAt()).isAfterOrEqualTo(incident.getReclaimConfirmedAt());
    assertThat(incident.getNextFirstRenewalAt()).isAfter(incident.getNextAcquiredAt());
    assertThat(incident.getZombieEvents()).as("node-7's woken heartbeat").isEqualTo(1);
    assertThat(incident.getResolvedAt()).isAfterOrEqualTo(incident.getNextFirstRenewalAt());
    assertThat(incident.getTimeToRecoverMs())
        .isEqualTo(
            Duration.between(incident.getLastHeartbeatObservedAt(), incident.getResolvedAt())
                .toMillis());
    assertThat(incident.getEvidence())
        .containsKeys(
            "lastHeartbeat", "command", "confirmation", "nextAcquire", "zombie", "recovery");
    assertThat(incident.getEvidence().get("confirmation"))
        .contains("@")
        .contains(catalog.lockEvents().name() + "-");
    assertThat(IncidentStory.allClear(incident).orElseThrow())
        .startsWith(
            "ALL CLEAR: aim_lock_config.conf healthy under node-3 (token "
                + result.nextToken()
                + "); detected ");
    assertThat(out.toString()).contains("Lockwatch incident " + id + " RESOLVED: ended: ALL_CLEAR");

    // The CLI reads the same incident from the topic.
    StringWriter cliOut = new StringWriter();
    StringWriter cliErr = new StringWriter();
    int code =
        LockwatchCli.run(
            new PrintWriter(cliOut),
            new PrintWriter(cliErr),
            "incidents",
            "show",
            id,
            "--html",
            dir.resolve("incident.html").toString(),
            "--bootstrap-servers",
            stack.bootstrapServers(),
            "--registry-url",
            stack.registryUrl());
    assertThat(code).as(cliErr.toString()).isZero();
    assertThat(cliOut.toString())
        .startsWith(
            "Incident "
                + id
                + ": HEARTBEAT_FROZEN of aim_lock_config.conf (token "
                + result.node7Token()
                + "), held by node-7\n")
        .contains("judged stale: silent ")
        .contains("reclaim confirmed by " + Node7Scenario.TRIGGER)
        .contains("next holder node-3 acquired on token " + result.nextToken())
        .contains("zombie writes: 1")
        .contains("ended: ALL_CLEAR")
        .contains(IncidentStory.allClear(incident).orElseThrow())
        .endsWith("HTML report: " + dir.resolve("incident.html") + "\n");
    assertThat(Files.readString(dir.resolve("incident.html")))
        .contains("reclaimed by " + Node7Scenario.TRIGGER);
  }

  private static LockEvent decode(TopicCatalog catalog, ConsumerRecord<byte[], byte[]> record) {
    return catalog
        .lockEvents()
        .valueSerde()
        .deserializer()
        .deserialize(record.topic(), record.value());
  }
}
