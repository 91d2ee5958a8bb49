package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch reclaim}: ask Lockwatch for a manual reclaim, fenced by token. */
@Command(
    name = "reclaim",
    mixinStandardHelpOptions = true,
    description = {
      "Ask Lockwatch to reclaim a lock now (an operator's manual reclaim).",
      "",
      "Fenced: Lockwatch issues the reclaim command only if the lock is still held under",
      "--token, so a lock that changed hands since you looked is never touched."
    })
public final class ReclaimRequestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OperatorActionOptions action;

  @Option(
      names = {"-r", "--reason"},
      required = true,
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Override
  public Integer call() throws Exception {
    return action.publish(spec.commandLine().getOut(), OperatorActionType.REQUEST_RECLAIM, reason);
  }
}
