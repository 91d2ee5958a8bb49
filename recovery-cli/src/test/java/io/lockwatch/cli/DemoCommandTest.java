package io.lockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo on the real embedded stack, as a user runs it. */
class DemoCommandTest {

  @TempDir Path dir;

  @Test
  void shouldPublishAndReadBackNode7sEventsWhenRun() {
    Path data = dir.resolve("demo");

    LockwatchCliTest.Result result =
        LockwatchCliTest.run("demo", "--date", "2026-11-23", "--data-dir", data.toString());

    assertThat(result.err()).isEmpty();
    assertThat(result.code()).isZero();
    List<String> lines = result.outLines();
    assertThat(lines.get(0))
        .isEqualTo(
            "Lockwatch demo: node-7 and aim_lock_config.conf on 2026-11-23, on the embedded stack");
    assertThat(lines.get(1))
        .matches(
            "Embedded stack up in [0-9.]+ s \\(broker [0-9.]+ s, registry [0-9.]+ s, started together\\)");
    assertThat(lines.get(2)).matches("  Kafka bootstrap servers: 127\\.0\\.0\\.1:\\d+");
    assertThat(lines.get(3))
        .matches("  Schema registry:         http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
    assertThat(lines.subList(4, lines.size()))
        .containsExactly(
            "Created topics: lockwatch.lock-events, lockwatch.lock-state (compacted), lockwatch.alerts,"
                + " lockwatch.reclaim-commands, lockwatch.operator-actions, lockwatch.dead-letter",
            "Published 9 lock events (acks=all, idempotent, keyed by lock id)",
            "Read back from lockwatch.lock-events (read_committed), decoded with the registry's schema:",
            "  02:38:00  ACQUIRED   token 40  node-3 (pid 3117)  seq 0  heartbeat every 30 s",
            "  02:38:30  HEARTBEAT  token 40  node-3 (pid 3117)  seq 1",
            "  02:39:00  HEARTBEAT  token 40  node-3 (pid 3117)  seq 2",
            "  02:39:10  RELEASED   token 40  node-3 (pid 3117)  seq 3  \"update cycle finished\"",
            "  03:10:00  ACQUIRED   token 41  node-7 (pid 4242)  seq 0  heartbeat every 30 s",
            "  03:10:30  HEARTBEAT  token 41  node-7 (pid 4242)  seq 1",
            "  03:11:00  HEARTBEAT  token 41  node-7 (pid 4242)  seq 2",
            "  03:11:30  HEARTBEAT  token 41  node-7 (pid 4242)  seq 3",
            "  03:12:00  HEARTBEAT  token 41  node-7 (pid 4242)  seq 4",
            "node-7's heartbeat is frozen at 03:12:00: it publishes nothing after that, and aim_lock_config.conf"
                + " is still held under token 41.",
            "On the wire: subject lockwatch.lock-events-value version 1 has schema id 1; each record starts 00 00 00 00 01.",
            "Stopped the stack; its data is in " + data);
    assertThat(data.resolve("kafka")).isDirectory();
    assertThat(data.resolve("registry/db")).isDirectory();
  }
}
