package io.lockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockwatchCliTest {

  @TempDir Path dir;

  @Test
  void shouldListCommandsAndExitCodesWhenAskedForHelp() {
    Result result = run("--help");

    assertThat(result.code).isZero();
    assertThat(result.out)
        .startsWith("Usage: lockwatch [-hvV] [COMMAND]\n")
        .contains(
            "  replay      Replay the history of a lock, a lock-id prefix, a holder node, or\n",
            "  postmortem  Write the postmortem of a lock (or a node's locks) in a window.\n",
            "  locks       List the live locks, from the streams app's HTTP API.\n",
            "  export      Write a window of lock history to an Avro file, schemas embedded.\n",
            "  demo        Replay the node-7 incident on the embedded stack.\n")
        .endsWith(
            "Exit codes:\n  0   done\n  1   failed (the message says why; -v shows the stack trace)\n  2   bad usage\n");
    assertThat(result.err).isEmpty();
  }

  @Test
  void shouldPrintOneLineAndExit2WhenTheCommandIsUnknown() {
    Result result = run("frobnicate");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.out).isEmpty();
    assertThat(result.errLines())
        .containsExactly(
            "lockwatch: Unmatched argument at index 0: 'frobnicate'",
            "Try 'lockwatch --help' for more information.");
  }

  @Test
  void shouldPrintOneLineAndExit2WhenAnOptionValueIsBad() {
    Result result = run("replay", "--date", "yesterday");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.errLines())
        .containsExactly(
            "lockwatch: Invalid value for option '--date': 'yesterday' is not a date; expected yyyy-MM-dd, e.g. 2026-11-23",
            "Try 'lockwatch replay --help' for more information.");
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

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LockwatchCli.run(new PrintWriter(out), new PrintWriter(err), args);
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
