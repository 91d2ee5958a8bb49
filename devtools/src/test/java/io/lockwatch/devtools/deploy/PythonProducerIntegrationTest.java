package io.lockwatch.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.devtools.TestApps;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.LockwatchApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/producers.md's Python example, run for real with Debian's python3-confluent-kafka
 * (librdkafka and Confluent's own Avro serializer): it publishes an incident through the registry,
 * the app reclaims the lock, and the example's consumer decodes every Lockwatch topic with
 * Confluent's deserializer. Skipped, saying what to install, without the package.
 */
@IntegrationTest
class PythonProducerIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LOCK = "aim_lock_config.conf";

  @TempDir Path dir;

  @Test
  void shouldReclaimAndDecodeEverythingWhenAPythonHolderCrashes(DevStack stack) throws Exception {
    Path python = pythonWithConfluentKafka();
    Path example = ExternalTool.repositoryRoot().resolve("docs/producers/python/lock_manager.py");
    String prefix = "py-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = TestApps.settings(stack, prefix, dir);
    Map<String, Object> client = new HashMap<>(settings);
    TopicCatalog topics = TopicCatalog.fromConfig(client);

    try (LockwatchApp app = TestApps.startRunning(settings)) {
      ExternalTool.Result published =
          ExternalTool.run(
              dir,
              120,
              python.toString(),
              example.toString(),
              "incident",
              "--bootstrap",
              stack.bootstrapServers(),
              "--registry",
              stack.registryUrl(),
              "--topic",
              topics.lockEvents().name(),
              "--lock",
              LOCK,
              "--token",
              "41",
              "--interval-ms",
              "500",
              "--beats",
              "3");
      assertThat(published.exitCode()).as(published.output()).isZero();
      assertThat(published.output())
          .contains(
              "published ACQUIRED and 3 heartbeats of aim_lock_config.conf (token 41); the holder"
                  + " is gone");

      ReclaimCommand command = awaitCommand(client, topics, Duration.ofSeconds(60));
      assertThat(command.getFencingToken()).isEqualTo(41);
      assertThat(command.getLastHeartbeatSequence()).isEqualTo(3);
      assertThat(command.getHolder().getNodeId()).isEqualTo("node-7");

      ExternalTool.Result consumed =
          ExternalTool.run(
              dir,
              120,
              python.toString(),
              example.toString(),
              "consume",
              "--bootstrap",
              stack.bootstrapServers(),
              "--registry",
              stack.registryUrl(),
              "--topics",
              String.join(
                  ",",
                  topics.lockEvents().name(),
                  topics.lockState().name(),
                  topics.alerts().name(),
                  topics.reclaimCommands().name(),
                  topics.incidents().name()));
      assertThat(consumed.exitCode()).as(consumed.output()).isZero();
      Map<String, List<JsonNode>> byTopic = new HashMap<>();
      for (String line : consumed.output().split("\n")) {
        if (line.startsWith("{")) {
          JsonNode record = JSON.readTree(line);
          byTopic
              .computeIfAbsent(record.path("topic").asText(), topic -> new ArrayList<>())
              .add(record.path("value"));
        }
      }
      assertThat(byTopic.get(topics.lockEvents().name()))
          .extracting(event -> event.path("type").asText() + "#" + event.path("sequence").asLong())
          .containsExactly("ACQUIRED#0", "HEARTBEAT#1", "HEARTBEAT#2", "HEARTBEAT#3");
      assertThat(byTopic.get(topics.lockState().name()))
          .extracting(state -> state.path("status").asText())
          .contains("HELD", "RECLAIM_PENDING");
      assertThat(byTopic.get(topics.alerts().name()))
          .extracting(alert -> alert.path("reason").asText())
          .contains("STALE_LOCK_DETECTED");
      assertThat(byTopic.get(topics.reclaimCommands().name()))
          .extracting(cmd -> cmd.path("lockId").asText() + "@" + cmd.path("fencingToken").asLong())
          .containsExactly(LOCK + "@41");
      // The incident, decoded by the third-party client from the registry's schema.
      assertThat(byTopic.get(topics.incidents().name()))
          .extracting(
              incident ->
                  incident.path("incidentId").asText()
                      + " "
                      + incident.path("state").asText()
                      + " rev "
                      + incident.path("revision").asLong()
                      + " by "
                      + incident.path("holder").path("nodeId").asText())
          .startsWith(LOCK + "@41 RECLAIM_ISSUED rev 1 by node-7");
      assertThat(
              BoundedTopicReader.readAll(
                  client, topics.deadLetter().name(), Duration.ofSeconds(10)))
          .as("nothing dead-lettered: the murmur2 partitioner put every event where it belongs")
          .isEmpty();
    }
  }

  /**
   * Debian's python3 with its confluent-kafka; Confluent's Avro serializer also needs fastavro,
   * which Debian does not package: installed into a virtualenv from the machine's local package
   * index when it is not importable already.
   */
  private Path pythonWithConfluentKafka() throws Exception {
    Path python = ExternalTool.require("/usr/bin/python3", "python3");
    ExternalTool.Result kafka =
        ExternalTool.run(dir, 60, python.toString(), "-c", "import confluent_kafka");
    assumeTrue(
        kafka.exitCode() == 0,
        "python3-confluent-kafka is not installed; skipped (apt-get install python3-confluent-kafka)");
    if (ExternalTool.run(dir, 60, python.toString(), "-c", "import fastavro").exitCode() == 0) {
      return python;
    }
    Path index = Path.of("/opt/pypi/simple");
    assumeTrue(
        Files.isDirectory(index),
        "fastavro (needed by confluent_kafka.schema_registry.avro) is not installed and no local"
            + " package index was found; skipped (pip install fastavro)");
    Path venv = dir.resolve("venv");
    ExternalTool.Result created =
        ExternalTool.run(
            dir, 120, python.toString(), "-m", "venv", "--system-site-packages", venv.toString());
    assumeTrue(created.exitCode() == 0, "python3 -m venv failed; skipped: " + created.output());
    ExternalTool.Result installed =
        ExternalTool.run(
            dir,
            300,
            venv.resolve("bin/pip").toString(),
            "install",
            "--quiet",
            "--index-url",
            index.toUri().toString(),
            "fastavro");
    assumeTrue(
        installed.exitCode() == 0,
        "fastavro could not be installed; skipped: " + installed.output());
    return venv.resolve("bin/python");
  }

  private static ReclaimCommand awaitCommand(
      Map<String, Object> client, TopicCatalog topics, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record :
          BoundedTopicReader.readAll(
              client, topics.reclaimCommands().name(), Duration.ofSeconds(10))) {
        return topics
            .reclaimCommands()
            .valueSerde()
            .deserializer()
            .deserialize(record.topic(), record.value());
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no reclaim command within " + timeout);
  }
}
