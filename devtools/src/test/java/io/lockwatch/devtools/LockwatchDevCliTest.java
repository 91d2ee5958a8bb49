package io.lockwatch.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lockwatch command as ./lockwatch runs it: the operational commands and the dev tools. */
class LockwatchDevCliTest {
  @TempDir Path dir;

  @Test
  void shouldListTheDevToolsAfterTheOperationalCommandsWhenAskedForHelp() {
    Result result = run("--help");

    assertThat(result.code).isZero();
    assertThat(result.out)
        .startsWith("Usage: lockwatch [-hvV] [COMMAND]\n")
        .contains(
            "  schemas     Lockwatch's Avro contract and the schema registry.\n",
            "  notify      Send each incident's changes to Alertmanager and/or PagerDuty,\n",
            "                until stopped.\n  demo        Replay the node-7 incident on the embedded stack.\n")
        .contains("  up ", "  simulate ")
        .endsWith(
            "Exit codes:\n  0   done\n  1   failed (the message says why; -v shows the stack trace)\n  2   bad usage\n");
  }

  @Test
  void shouldPrintOneLineWithoutStackTraceAndExit1WhenTheCommandFails() {
    String missing = dir.resolve("missing.tar.gz").toString();
    System.setProperty("lockwatch.registry.archive", missing);
    System.setProperty("lockwatch.cache.dir", dir.resolve("empty-cache").toString());
    try {
      Result result = run("demo", "--data-dir", dir.resolve("data").toString());

      assertThat(result.code).isEqualTo(1);
      assertThat(result.errLines())
          .containsExactly(
              "lockwatch: Apicurio Registry 3.3.3 was not found (looked at ["
                  + missing
                  + "]). Build the project once"
                  + " (./mvnw -B -DskipTests install), or set LOCKWATCH_REGISTRY_ARCHIVE (or -Dlockwatch.registry.archive)"
                  + " to the apicurio-registry-app-3.3.3-all.tar.gz archive.");
    } finally {
      System.clearProperty("lockwatch.registry.archive");
      System.clearProperty("lockwatch.cache.dir");
    }
  }

  @Test
  void shouldAddTheStackTraceWhenVerbose() {
    System.setProperty("lockwatch.registry.archive", dir.resolve("missing.tar.gz").toString());
    System.setProperty("lockwatch.cache.dir", dir.resolve("empty-cache").toString());
    try {
      Result result = run("demo", "-v", "--data-dir", dir.resolve("data").toString());

      assertThat(result.code).isEqualTo(1);
      assertThat(result.errLines().get(0))
          .startsWith("lockwatch: Apicurio Registry 3.3.3 was not found");
      assertThat(result.err)
          .contains("io.lockwatch.devstack.DevStackException")
          .contains("\tat io.lockwatch.devstack.RegistryDistribution");
    } finally {
      System.clearProperty("lockwatch.registry.archive");
      System.clearProperty("lockwatch.cache.dir");
    }
  }

  @Test
  void shouldRefuseABadSettingOfItsConfigBeforeStartingAnythingWhenUpIsGivenOne() throws Exception {
    java.nio.file.Path config = dir.resolve("up.properties");
    java.nio.file.Files.writeString(config, "lockwatch.policy.default=sometimes\n");

    Result result =
        run("up", "--config", config.toString(), "--data-dir", dir.resolve("data").toString());

    assertThat(result.code).isEqualTo(2);
    assertThat(result.errLines().get(0))
        .startsWith("lockwatch: bad setting: Invalid value sometimes for configuration")
        .contains("lockwatch.policy.default");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LockwatchDevCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }

    List<String> outLines() {
      return out.lines().toList();
    }
  }
}
