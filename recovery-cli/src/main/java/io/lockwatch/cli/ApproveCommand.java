package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
  @Mixin OperatorActionOptions action;

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Override
  public Integer call() throws Exception {
    return action.publish(spec.commandLine().getOut(), OperatorActionType.APPROVE_RECLAIM, reason);
  }
}
