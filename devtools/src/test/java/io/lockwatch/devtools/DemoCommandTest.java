package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.IntegrationTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main command on the real embedded stack, as a user runs it. */
@IntegrationTest
class DemoCommandTest {

  @TempDir Path dir;

  @Test
  void shouldRecoverNode7sLockAndEndWithThePostmortemWhenRun() {
    Path data = dir.resolve("demo");

    LockwatchDevCliTest.Result result =
        LockwatchDevCliTest.run("demo", "--data-dir", data.toString());

    assertThat(result.err()).isEmpty();
    assertThat(result.code()).isZero();
    List<String> lines = result.outLines();
    assertThat(lines.get(0))
        .isEqualTo("Lockwatch demo: node-7 and aim_lock_config.conf, on the embedded stack");
    assertThat(lines.get(1))
        .matches(
            "Embedded stack up in [0-9.]+ s \\(broker [0-9.]+ s, registry [0-9.]+ s, started together\\)");
    assertThat(lines.get(2)).matches("  Kafka bootstrap servers: 127\\.0\\.0\\.1:\\d+");
    assertThat(lines.get(3))
        .matches("  Schema registry:         http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
    // The live part, in order (times vary).
    List<String> live =
        lines.stream()
            .filter(line -> line.startsWith("  +"))
            .map(line -> line.replaceFirst("^  \\+ *[0-9.]+s  ", ""))
            .map(line -> line.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>"))
            .map(line -> line.replaceAll("(\\d+ms|\\d+(\\.\\d)?s) after", "<t> after"))
            .map(line -> line.replaceAll("frozen for \\d+ ms", "frozen for <t>"))
            .map(line -> line.replaceAll("127\\.0\\.0\\.1:\\d+|on /.*/locks", "<where>"))
            .toList();
    assertThat(live)
        .containsExactly(
            "Lockwatch streams app running (exactly_once_v2), HTTP API on http://<where>",
            "Reclaim trigger reclaim-trigger@node-2 consuming reclaim commands, file-lock reclaimer <where>",
            "node-3 acquired aim_lock_config.conf (token 41), heartbeat every 1s",
            "node-3 released aim_lock_config.conf",
            "node-7 acquired aim_lock_config.conf (token 42), heartbeat every 1s",
            "node-7 heartbeat 1",
            "node-7 heartbeat 2",
            "node-7 heartbeat 3",
            "node-7 hangs: its heartbeat freezes, the lock file stays (threshold 3s)",
            "Lockwatch alert STALE_LOCK_DETECTED: node-7 (pid 4242)'s heartbeat on aim_lock_config.conf (token 42) has been frozen for <t>, past its threshold of 3000 ms; policy AUTO",
            "Lockwatch reclaim command <id> for token 42, last heartbeat seq 3 (issued <t> after the threshold crossing)",
            "reclaim-trigger@node-2 reclaimed aim_lock_config.conf: lock file of token 42 removed",
            "node-3 acquired aim_lock_config.conf (token 43, +1)",
            "node-3 wrote the config with token 43: accepted",
            "node-7 wakes up and heartbeats with its old token 42",
            "node-7 tries to write the config with token 42: refused (the fence has seen token 43)",
            "Lockwatch alert ZOMBIE_HEARTBEAT: node-7 (pid 4242) is still acting on aim_lock_config.conf with token 42 (HEARTBEAT, sequence 4), but holding 42 was superseded by token 43: a fenced holder is alive",
            "node-3 released aim_lock_config.conf");
    assertThat(result.out())
        .contains("\nPostmortem of aim_lock_config.conf, ")
        .contains("HTML report: " + data.resolve("postmortem-node-7.html") + "\n")
        .contains("the trigger released the lock 1 time(s); node-3 took it with token 43;")
        .endsWith("Stopped; the demo's data is in " + data + "\n");
    assertThat(data.resolve("postmortem-node-7.html")).isRegularFile();
  }
}
