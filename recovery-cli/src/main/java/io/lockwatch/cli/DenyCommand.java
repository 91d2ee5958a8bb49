package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
public final class DenyCommand extends OperatorActionCommand {

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why, for the record.")
  String reason;

  @Override
  OperatorActionType type() {
    return OperatorActionType.DENY_RECLAIM;
  }

  @Override
  String reason() {
    return reason;
  }
}
