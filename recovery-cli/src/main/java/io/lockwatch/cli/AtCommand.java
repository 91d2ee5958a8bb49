package io.lockwatch.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.EntryText;
import io.lockwatch.cli.output.Format;
import io.lockwatch.cli.output.Table;
import io.lockwatch.cli.output.Times;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.events.LockState;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lockwatch at}: every lock's state at an instant of the past (an lslocks for then). */
@Command(
    name = "at",
    mixinStandardHelpOptions = true,
    description = {
      "Show the state of every matching lock as of an instant, folded from the history.",
      "",
      "Uses the streams app's own state machine and settings (--config: thresholds, policies),",
      "so history and the live service judge a lock the same way. Locks never seen are not",
      "listed; FREE locks only with --all."
    })
public final class AtCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HistoryOptions source;
  @Mixin SelectionOptions selectionOptions;
  @Mixin OutputOptions output;

  @Parameters(
      index = "0",
      paramLabel = "INSTANT",
      description =
          "The instant: 2026-11-22T03:12:00Z, '2026-11-22 03:12', 03:12 (with --date) or -30m.")
  String instant;

  @Option(
      names = "--date",
      paramLabel = "DATE",
      converter = DateConverter.class,
      description = "The day of an INSTANT given as a time of day, yyyy-MM-dd (default: today).")
  java.time.LocalDate date;

  @Option(
      names = {"-a", "--all"},
      description = "Also list FREE locks.")
  boolean all;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Instant at = TimeParser.instant(instant, output.zone(), date, Instant.now());
    LockwatchConfig settings = source.settings();
    Selection selection = selectionOptions.selection();
    HistoryFold fold = new HistoryFold(new LockStateMachine(settings.watchPolicy()));
    var summary =
        Timeline.walk(
            source.history(settings, output.progress(err)),
            null,
            at.plusMillis(1),
            new Selection(selection.lockId(), selection.prefix(), java.util.Optional.empty()),
            fold,
            (entry, judgement, state) -> {});
    Map<String, LockState> locks = new TreeMap<>();
    fold.states()
        .forEach(
            (lockId, state) -> {
              boolean node = selection.node().map(n -> Timeline.heldBy(state, n)).orElse(true);
              if (selection.lockMatches(lockId)
                  && node
                  && (all || state.getStatus() != io.lockwatch.events.LockStatus.FREE)) {
                locks.put(lockId, state);
              }
            });
    Times times = output.times();
    if (output.format() == Format.TABLE) {
      out.println(
          "Locks as of "
              + times.full(at)
              + " "
              + times.zoneName()
              + " ("
              + selection.describe()
              + ", folded from "
              + source.source(settings)
              + ")");
      Table table =
          new Table(
              "LOCK",
              "STATUS",
              "HOLDER",
              "TOKEN",
              "SINCE",
              "LAST HEARTBEAT",
              "SEQ",
              "FROZEN FOR",
              "THRESHOLD",
              "POLICY");
      locks.forEach(
          (lockId, state) ->
              table.row(
                  lockId,
                  state.getStatus().name(),
                  EntryText.holder(state.getHolder()),
                  Long.toString(state.getFencingToken()),
                  times.full(
                      state.getStatus() == io.lockwatch.events.LockStatus.FREE
                          ? state.getReleasedAt()
                          : state.getAcquiredAt()),
                  times.full(state.getLastHeartbeatAt()),
                  Long.toString(state.getLastSequence()),
                  frozenFor(state, at),
                  Times.duration(Duration.ofMillis(state.getThresholdMs())),
                  state.getPolicy().name()));
      if (table.isEmpty()) {
        out.println("(no " + (all ? "" : "held ") + "locks)");
      } else {
        table.print(out);
      }
    } else {
      ArrayNode array = LockJson.MAPPER.createArrayNode();
      locks.values().forEach(state -> array.add(LockJson.of(state)));
      if (output.format() == Format.JSON) {
        out.println(LockJson.MAPPER.writeValueAsString(array));
      } else {
        array.forEach(node -> out.println(node.toString()));
      }
    }
    Commands.reportUndecodable(err, summary);
    return 0;
  }

  private static String frozenFor(LockState state, Instant at) {
    if (state.getStatus() == io.lockwatch.events.LockStatus.FREE
        || state.getLastHeartbeatObservedAt() == null) {
      return "-";
    }
    return Times.duration(Duration.between(state.getLastHeartbeatObservedAt(), at));
  }
}
