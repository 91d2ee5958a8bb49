package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch deny}: refuse a reclaim held at a "hold" policy's hold point. */
@Command(
    name = "deny",
    mixinStandardHelpOptions = true,
    description = {
      "Deny the reclaim of a stale lock that Lockwatch holds for approval (policy hold):",
      "no command is issued; the lock stays STALE until its holder heartbeats or releases.",
      "",
      "Fenced: applies only while the lock is still held under --token."
    })
public final class DenyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OperatorActionOptions action;

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Override
  public Integer call() throws Exception {
    return action.publish(spec.commandLine().getOut(), OperatorActionType.DENY_RECLAIM, reason);
  }
}
