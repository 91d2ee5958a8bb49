package io.lockwatch.cli;

import io.lockwatch.events.OperatorActionType;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the operator's commands share: a fenced action on one lock, published, with the app's
 * verdict waited for. Each command names its action and how it takes its reason.
 */
abstract class OperatorActionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OperatorActionOptions action;

  /** The action this command sends. */
  abstract OperatorActionType type();

  /** Why, for the record; null when not given. */
  abstract String reason();

  @Override
  public final Integer call() throws Exception {
    return action.publish(spec.commandLine().getOut(), type(), reason());
  }
}
