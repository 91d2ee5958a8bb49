package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lockwatch approve}: release a reclaim held at a "hold" policy's hold point. */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Approve the reclaim of a stale lock that Lockwatch holds for approval (policy hold).",
      "",
      "Fenced: applies only while the lock is still held under --token."
    })
public final class ApproveCommand extends OperatorActionCommand {

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Override
  OperatorActionType type() {
    return OperatorActionType.APPROVE_RECLAIM;
  }

  @Override
  String reason() {
    return reason;
  }
}
