package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.client.filelock.FileLockDirectory;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class SimulateCommandTest {
  @TempDir Path dir;

  @Test
  void shouldLeaveACrashedNodesLockFileAndSkewItsClockWhenAsked(DevStack stack) throws Exception {
    Map<String, Object> client = new HashMap<>(stack.clientConfig());
    client.putAll(TopicCatalog.namedWithPrefix("simulate-" + UUID.randomUUID()));
    TopicCatalog catalog = TopicCatalog.fromConfig(client);
    try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
      admin.createTopics(catalog.newTopics(3, Optional.empty())).all().get(30, TimeUnit.SECONDS);
    }
    Path config = dir.resolve("lockwatch.properties");
    StringBuilder properties = new StringBuilder();
    client.forEach((key, value) -> properties.append(key).append('=').append(value).append('\n'));
    Files.writeString(config, properties);
    Path locks = dir.resolve("locks");
    Instant before = Instant.now();

    LockwatchDevCliTest.Result result =
        LockwatchDevCliTest.run(
            "simulate",
            "--config",
            config.toString(),
            "--dir",
            locks.toString(),
            "--nodes",
            "2",
            "--locks",
            "2",
            "--interval",
            "100ms",
            "--duration",
            "1s",
            "--crash",
            "node-2@300ms",
            "--skew",
            "node-1=+5m");

    assertThat(result.err()).isEmpty();
    assertThat(result.code()).isZero();
    assertThat(result.outLines().get(result.outLines().size() - 1))
        .matches(
            "  \\+ *[0-9.]+s  done: 2 acquires, \\d+ heartbeats, 1 releases, 0 zombie heartbeats, 0 refused writes, 0 lost locks");
    FileLockDirectory directory = new FileLockDirectory(locks);
    assertThat(directory.read("lock-0.conf")).isEmpty(); // node-1 released it
    assertThat(directory.read("lock-1.conf"))
        .map(FileLockDirectory.LockFile::node)
        .contains("node-2");
    List<LockEvent> events =
        BoundedTopicReader.readAll(client, catalog.lockEvents().name(), Duration.ofSeconds(30))
            .stream()
            .map(
                r ->
                    catalog
                        .lockEvents()
                        .valueSerde()
                        .deserializer()
                        .deserialize(r.topic(), r.value()))
            .toList();
    assertThat(events)
        .filteredOn(e -> e.getHolder().getNodeId().equals("node-1"))
        .allSatisfy(e -> assertThat(e.getOccurredAt()).isAfter(before.plus(Duration.ofMinutes(4))));
    assertThat(events)
        .filteredOn(e -> e.getHolder().getNodeId().equals("node-2"))
        .extracting(LockEvent::getType)
        .doesNotContain(LockEventType.RELEASED)
        .contains(LockEventType.ACQUIRED);
  }

  @Test
  void shouldNameTheNodesWhenACrashNamesAnUnknownOne() {
    LockwatchDevCliTest.Result result =
        LockwatchDevCliTest.run(
            "simulate",
            "-b",
            "127.0.0.1:1",
            "--registry-url",
            "mock://nowhere",
            "--dir",
            dir.toString(),
            "--nodes",
            "2",
            "--crash",
            "node-9@1s");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).isEqualTo("lockwatch: No node node-9 (nodes are node-1 to node-2)\n");
  }
}
