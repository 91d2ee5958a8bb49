package io.lockwatch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.lockwatch.cli.history.Entry;
import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.Judgement;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.AvroJson;
import io.lockwatch.cli.output.EntryText;
import io.lockwatch.cli.output.Format;
import io.lockwatch.cli.output.Times;
import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.events.LockStatus;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lockwatch replay}: one timeline of lock events, alerts, commands and operator actions. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the history of a lock, a lock-id prefix, a holder node, or everything, in a window.",
      "",
      "Lock events, alerts, reclaim commands and operator actions, merged into one timeline",
      "ordered by time. Reads Kafka without a consumer group and never writes; records",
      "written after the read starts are not included. Each lock's state at the window's",
      "start is shown first (folded from the history before it)."
    })
public final class ReplayCommand implements Callable<Integer> {
  private static final String ROW = "%-23s  %-24s  %-28s  %5s  %-14s  %s";

  @Spec CommandSpec spec;
  @Mixin HistoryOptions source;
  @Mixin SelectionOptions selectionOptions;
  @Mixin WindowOptions windowOptions;
  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LockwatchConfig settings = source.settings();
    WindowOptions.Window window = windowOptions.window(output.zone(), Instant.now());
    Selection selection = selectionOptions.selection();
    Times times = output.times();
    History history = source.history(settings, output.progress(err));
    HistoryFold fold = new HistoryFold(new LockStateMachine(settings.watchPolicy()));
    Printer printer =
        switch (output.format()) {
          case TABLE -> new TablePrinter(out, times, selection, window, source.source(settings));
          case JSON, JSONL -> new JsonPrinter(out, output.format());
        };
    History.ReadSummary summary =
        Timeline.walk(history, window.from(), window.to(), selection, fold, printer);
    printer.finish(summary);
    Commands.reportUndecodable(err, summary);
    return 0;
  }

  private interface Printer extends Timeline.Listener {
    void finish(History.ReadSummary summary);
  }

  private static final class TablePrinter implements Printer {
    private final PrintWriter out;
    private final Times times;
    private final Selection selection;
    private long entries;

    TablePrinter(
        PrintWriter out,
        Times times,
        Selection selection,
        WindowOptions.Window window,
        String source) {
      this.out = out;
      this.times = times;
      this.selection = selection;
      out.println(
          "Replay of "
              + selection.describe()
              + ", "
              + (window.from() == null ? "the beginning" : times.full(window.from()))
              + " to "
              + (window.to() == null ? "now" : times.full(window.to()))
              + " "
              + times.zoneName()
              + ", from "
              + source);
    }

    @Override
    public void windowStarts(Instant from, HistoryFold fold) {
      if (from == null) {
        out.println(String.format(ROW, "TIME", "LOCK", "WHAT", "TOKEN", "HOLDER", "DETAILS"));
        return;
      }
      // One lock is always shown; otherwise the locks held at the start (the free ones are noise).
      fold.states()
          .forEach(
              (lockId, state) -> {
                boolean one = selection.lockId().isPresent();
                if (selection.lockMatches(lockId)
                    && (one || state.getStatus() != LockStatus.FREE)
                    && selection.node().map(node -> Timeline.heldBy(state, node)).orElse(true)) {
                  out.println("At the start: " + lockId + " " + EntryText.state(state, times));
                }
              });
      if (selection.lockId().isPresent() && fold.state(selection.lockId().get()) == null) {
        out.println("At the start: " + selection.lockId().get() + " never seen");
      }
      out.println(String.format(ROW, "TIME", "LOCK", "WHAT", "TOKEN", "HOLDER", "DETAILS"));
    }

    @Override
    public void entry(Entry entry, Judgement judgement, HistoryFold fold) {
      entries++;
      out.println(
          String.format(
                  ROW,
                  times.full(entry.time()),
                  entry.lockId(),
                  EntryText.what(entry),
                  entry.token() == null ? "-" : entry.token().toString(),
                  EntryText.holder(entry.holder()),
                  EntryText.details(entry))
              .stripTrailing());
    }

    @Override
    public void finish(History.ReadSummary summary) {
      if (entries == 0) {
        out.println("(nothing in this window)");
      }
      out.printf("%,d entries (%,d records read)%n", entries, summary.recordsRead());
    }
  }

  private static final class JsonPrinter implements Printer {
    private final PrintWriter out;
    private final Format format;
    private final JsonGenerator json;

    JsonPrinter(PrintWriter out, Format format) throws java.io.IOException {
      this.out = out;
      this.format = format;
      this.json = AvroJson.MAPPER.getFactory().createGenerator(out);
      if (format == Format.JSON) {
        json.writeStartArray();
      }
    }

    @Override
    public void entry(Entry entry, Judgement judgement, HistoryFold fold) {
      try {
        if (format == Format.JSONL) {
          out.println(AvroJson.MAPPER.writeValueAsString(AvroJson.entry(entry)));
        } else {
          AvroJson.MAPPER.writeTree(json, AvroJson.entry(entry));
        }
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void finish(History.ReadSummary summary) {
      try {
        if (format == Format.JSON) {
          json.writeEndArray();
        }
        json.flush();
        if (format == Format.JSON) {
          out.println();
        }
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
