package io.lockwatch.cli;

import io.lockwatch.cli.history.History;
import java.io.PrintWriter;

/** What several commands say the same way. */
final class Commands {
  private Commands() {}

  /** Records that could not be decoded are skipped, never silently: one line on stderr. */
  static void reportUndecodable(PrintWriter err, History.ReadSummary summary) {
    if (summary.undecodable() > 0) {
      err.println(
          "lockwatch: skipped "
              + summary.undecodable()
              + " record(s) that could not be decoded; the first: "
              + summary.firstProblem());
    }
  }
}
