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
    // Three threads speak (the scenario, Lockwatch's outputs as they are read, the trigger):
    // each one's lines in order; how they interleave varies.
    assertThat(live)
        .filteredOn(
            line ->
                !line.startsWith("Lockwatch ")
                    && !line.startsWith("reclaim-trigger@")
                    && !line.startsWith("Reclaim trigger "))
        .containsExactly(
            "node-3 acquired aim_lock_config.conf (token 41), heartbeat every 1s",
            "node-3 released aim_lock_config.conf",
            "node-7 acquired aim_lock_config.conf (token 42), heartbeat every 1s",
            "node-7 heartbeat 1",
            "node-7 heartbeat 2",
            "node-7 heartbeat 3",
            "node-7 hangs: its heartbeat freezes, the lock file stays (threshold 3s)",
            "node-3 acquired aim_lock_config.conf (token 43, +1)",
            "node-3 wrote the config with token 43: accepted",
            "node-7 wakes up and heartbeats with its old token 42",
            "node-7 tries to write the config with token 42: refused (the fence has seen token 43)",
            "node-3 released aim_lock_config.conf");
    assertThat(live)
        .filteredOn(
            line -> line.startsWith("Lockwatch alert") || line.startsWith("Lockwatch reclaim"))
        .containsExactly(
            "Lockwatch alert STALE_LOCK_DETECTED: node-7 (pid 4242)'s heartbeat on aim_lock_config.conf (token 42) has been frozen for <t>, past its threshold of 3000 ms; policy AUTO",
            "Lockwatch reclaim command <id> for token 42, last heartbeat seq 3 (issued <t> after the threshold crossing)",
            "Lockwatch alert ZOMBIE_HEARTBEAT: node-7 (pid 4242) is still acting on aim_lock_config.conf with token 42 (HEARTBEAT, sequence 4), but holding 42 was superseded by token 43: a fenced holder is alive");
    assertThat(live)
        .filteredOn(line -> line.startsWith("Lockwatch incident"))
        .map(line -> line.replaceAll("silent \\d+\\.\\d s", "silent <t>"))
        .containsExactly(
            "Lockwatch incident aim_lock_config.conf@42 RECLAIM_ISSUED: judged stale: silent <t> (deadline 3.0 s); reclaim <id> issued",
            "Lockwatch incident aim_lock_config.conf@42 RECLAIMED: reclaim confirmed by reclaim-trigger@node-2",
            "Lockwatch incident aim_lock_config.conf@42 RECOVERING: next holder node-3 acquired on token 43",
            "Lockwatch incident aim_lock_config.conf@42 RECOVERING: zombie writes: 1",
            "Lockwatch incident aim_lock_config.conf@42 RECOVERING: next holder renewed (1)",
            "Lockwatch incident aim_lock_config.conf@42 RESOLVED: ended: ALL_CLEAR");
    assertThat(live)
        .filteredOn(line -> line.startsWith("reclaim-trigger@"))
        .containsExactly(
            "reclaim-trigger@node-2 reclaimed aim_lock_config.conf: lock file of token 42 removed");
    assertThat(live.subList(0, 2))
        .containsExactly(
            "Lockwatch streams app running (exactly_once_v2), HTTP API on http://<where>",
            "Reclaim trigger reclaim-trigger@node-2 consuming reclaim commands, file-lock reclaimer <where>");
    assertThat(result.out())
        .contains("\nPostmortem of aim_lock_config.conf, ")
        .contains("HTML report: " + data.resolve("postmortem-node-7.html") + "\n")
        .contains(
            "Fenced: node-3 took the lock with token 43; node-7's write with its old token 42 was"
                + " refused.\n")
        .contains("Stopped; the demo's data is in " + data + "\n");
    // The last lines come from the incident record.
    assertThat(lines.get(lines.size() - 2))
        .matches(
            "Incident aim_lock_config.conf@42: last heartbeat [0-9-]+ [0-9:.]+, detected [0-9.]+m?s"
                + " later, reclaimed by reclaim-trigger@node-2, 1 zombie write\\(s\\) after it");
    assertThat(lines.get(lines.size() - 1))
        .matches(
            "ALL CLEAR: aim_lock_config.conf healthy under node-3 \\(token 43\\); detected [0-9.]+"
                + " m?s after the threshold, recovered [0-9.]+ s after node-7's last heartbeat");
    assertThat(data.resolve("postmortem-node-7.html")).isRegularFile();
  }
}
