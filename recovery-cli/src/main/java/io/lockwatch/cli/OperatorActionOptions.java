package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What every operator action names: the lock, the token it is fenced by, and who acts. */
public final class OperatorActionOptions {
  @Mixin ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "LOCK", description = "The lock's id.")
  String lockId;

  @Option(
      names = {"-t", "--token"},
      required = true,
      paramLabel = "TOKEN",
      description = "The fencing token the lock must still be held under.")
  long token;

  @Option(names = "--operator", paramLabel = "NAME", description = "Who acts (default: $USER).")
  String operator;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      defaultValue = "15s",
      description =
          "How long to wait for Lockwatch's verdict: exit 0 when it acts, 1 with its reason when it"
              + " refuses or does not answer; 0s publishes without waiting (default: ${DEFAULT-VALUE}).")
  String wait;

  int publish(PrintWriter out, OperatorActionType type, String reason) throws Exception {
    return OperatorActionPublisher.publish(
        connection,
        out,
        type,
        lockId,
        token,
        operator != null ? operator : OperatorActionPublisher.defaultOperator(),
        reason,
        null,
        TimeParser.duration(wait));
  }
}
