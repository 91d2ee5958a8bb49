package io.lockwatch.devtools;

import io.lockwatch.cli.LockwatchCli;
import java.io.PrintWriter;
import java.util.List;

/**
 * The {@code lockwatch} command as {@code ./lockwatch} runs it: the operational commands of the
 * recovery CLI, plus the developer's {@code demo}, {@code up} and {@code simulate}, which start the
 * embedded stack and the streams app in this JVM.
 */
public final class LockwatchDevCli {
  private LockwatchDevCli() {}

  public static void main(String... args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(out, err, args));
  }

  /** Runs a command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return LockwatchCli.run(
        List.of(new DemoCommand(), new UpCommand(), new SimulateCommand()), out, err, args);
  }
}
