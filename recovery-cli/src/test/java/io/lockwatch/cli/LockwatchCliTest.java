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
            "  schemas     Lockwatch's Avro contract and the schema registry.\n",
            "  trigger     Act on reclaim commands for a directory of lock files, until\n",
            "  help        Display help information about the specified command.\n")
        .doesNotContain("  demo ")
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
  void shouldPrintOneLineAndExit2WhenTheTriggersLockDirectoryIsMissing() {
    Result result =
        run(
            "trigger",
            "--lock-dir",
            "/no/such/dir",
            "-b",
            "127.0.0.1:1",
            "--registry-url",
            "http://127.0.0.1:1");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.out).isEmpty();
    assertThat(result.errLines())
        .containsExactly("lockwatch: --lock-dir /no/such/dir is not a directory");
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
