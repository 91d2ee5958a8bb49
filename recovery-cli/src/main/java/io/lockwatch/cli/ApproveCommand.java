package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockwatch approve}: release a reclaim held at a "hold" policy's hold point. */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Approve the reclaim of a stale lock that Lockwatch holds for approval (policy hold).",
      "",
      "Fenced: applies only while the lock is still held under --token."
    })
public final class ApproveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "LOCK", description = "The lock's id.")
  String lockId;

  @Option(
      names = {"-t", "--token"},
      required = true,
      paramLabel = "TOKEN",
      description = "The fencing token of the holding to reclaim.")
  long token;

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Option(names = "--operator", paramLabel = "NAME", description = "Who approves (default: $USER).")
  String operator;

  @Override
  public Integer call() throws Exception {
    return OperatorActionPublisher.publish(
        connection,
        spec.commandLine().getOut(),
        OperatorActionType.APPROVE_RECLAIM,
        lockId,
        token,
        operator != null ? operator : OperatorActionPublisher.defaultOperator(),
        reason,
        null);
  }
}
