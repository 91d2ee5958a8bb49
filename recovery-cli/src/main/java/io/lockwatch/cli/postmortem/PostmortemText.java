package io.lockwatch.cli.postmortem;

import io.lockwatch.cli.output.EntryText;
import io.lockwatch.cli.output.Times;
import java.io.PrintWriter;
import java.util.List;

/** The postmortem as plain text: the facts, with exact times. */
public final class PostmortemText {
  private PostmortemText() {}

  public static void print(PrintWriter out, Postmortem postmortem) {
    Times times = postmortem.times();
    out.println(
        "Postmortem of "
            + postmortem.selection().describe()
            + ", "
            + times.full(postmortem.from())
            + " to "
            + times.full(postmortem.to())
            + " "
            + times.zoneName());
    postmortem
        .atStart()
        .forEach(
            (lockId, state) ->
                out.println("At the start: " + lockId + " " + EntryText.state(state, times)));
    List<Postmortem.Fact> facts = postmortem.facts();
    if (facts.isEmpty()) {
      out.println("(nothing happened in this window)");
    }
    boolean manyLocks = facts.stream().map(Postmortem.Fact::lockId).distinct().count() > 1;
    for (Postmortem.Fact fact : facts) {
      out.println(
          times.full(fact.time()) + "  " + (manyLocks ? fact.lockId() + ": " : "") + fact.text());
    }
  }
}
