package io.lockwatch.cli;

import io.lockwatch.cli.history.History;
import java.io.PrintWriter;

/** What several commands say the same way. */
final class Commands {
  private Commands() {}

  /**
   * Records that are not valid input are skipped, never silently: each (the first 20) on stderr
   * with topic, partition and offset, then the count. Inputs stamped by their producers are folded
   * on the producers' clocks: said once.
   */
  static void reportUndecodable(PrintWriter err, History.ReadSummary summary) {
    for (String problem : summary.problems()) {
      err.println("lockwatch: skipped bad record " + problem);
    }
    if (summary.undecodable() > 0) {
      err.println(
          "lockwatch: skipped "
              + summary.undecodable()
              + " record(s) that are not valid input"
              + (summary.undecodable() > summary.problems().size()
                  ? " (the first " + summary.problems().size() + " listed above)"
                  : ""));
    }
    for (String misplaced : summary.misplaced()) {
      err.println(
          "lockwatch: warning: refused by Lockwatch as on the wrong partition, not in this history: "
              + misplaced);
    }
    if (summary.producerStamped() > 0) {
      err.println(
          "lockwatch: warning: "
              + summary.producerStamped()
              + " input record(s) carry their producer's timestamp (CreateTime topic), not the"
              + " broker's: they are placed at the holder's clock, which the app did not judge"
              + " with; set message.timestamp.type=LogAppendTime on the input topics");
    }
  }
}
