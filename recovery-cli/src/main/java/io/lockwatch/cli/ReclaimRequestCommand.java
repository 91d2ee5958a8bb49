package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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
  @Mixin ConnectionOptions connection;

  @Parameters(index = "0", paramLabel = "LOCK", description = "The lock's id.")
  String lockId;

  @Option(
      names = {"-t", "--token"},
      required = true,
      paramLabel = "TOKEN",
      description = "The fencing token the lock must still be held under.")
  long token;

  @Option(
      names = {"-r", "--reason"},
      required = true,
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Option(names = "--operator", paramLabel = "NAME", description = "Who asks (default: $USER).")
  String operator;

  @Override
  public Integer call() throws Exception {
    return OperatorActionPublisher.publish(
        connection,
        spec.commandLine().getOut(),
        OperatorActionType.REQUEST_RECLAIM,
        lockId,
        token,
        operator != null ? operator : OperatorActionPublisher.defaultOperator(),
        reason,
        null);
  }
}
