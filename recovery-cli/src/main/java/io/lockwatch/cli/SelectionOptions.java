package io.lockwatch.cli;

import io.lockwatch.cli.history.Selection;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which locks: one, a prefix, a holder node, or (none given) all. */
public final class SelectionOptions {

  @Option(
      names = {"-l", "--lock"},
      paramLabel = "LOCK",
      description = "One lock, by id.")
  String lock;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Locks whose id starts with PREFIX.")
  String prefix;

  @Option(
      names = "--node",
      paramLabel = "NODE",
      description = "Locks held by this holder node (and what became of them).")
  String node;

  public Selection selection() {
    return new Selection(
        Optional.ofNullable(lock), Optional.ofNullable(prefix), Optional.ofNullable(node));
  }
}
