package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public final class ReclaimRequestCommand extends OperatorActionCommand {

  @Option(
      names = {"-r", "--reason"},
      required = true,
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Override
  OperatorActionType type() {
    return OperatorActionType.REQUEST_RECLAIM;
  }

  @Override
  String reason() {
    return reason;
  }
}
