package io.lockwatch.cli;

import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.Format;
import io.lockwatch.cli.postmortem.Postmortem;
import io.lockwatch.cli.postmortem.PostmortemHtml;
import io.lockwatch.cli.postmortem.PostmortemJson;
import io.lockwatch.cli.postmortem.PostmortemText;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.LockwatchConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch postmortem}: the facts of an incident, as text and as an HTML timeline. */
@Command(
    name = "postmortem",
    mixinStandardHelpOptions = true,
    description = {
      "Write the postmortem of a lock (or a node's locks) in a window.",
      "",
      "Prints the facts with exact times (who held the lock, the last heartbeat, the threshold",
      "crossing, the alert, the reclaim command and its outcome, the next holder and token, any",
      "zombie) and writes a self-contained HTML report with an SVG timeline of the same facts."
    })
public final class PostmortemCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HistoryOptions source;
  @Mixin SelectionOptions selectionOptions;
  @Mixin WindowOptions windowOptions;
  @Mixin OutputOptions output;

  @Option(
      names = "--html",
      paramLabel = "FILE",
      defaultValue = "lockwatch-postmortem.html",
      description = "Where to write the HTML report (default: ${DEFAULT-VALUE}).")
  Path html;

  @Option(names = "--no-html", description = "Print the summary only.")
  boolean noHtml;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Selection selection = selectionOptions.selection();
    if (selection.lockId().isEmpty()
        && selection.node().isEmpty()
        && selection.prefix().isEmpty()) {
      throw new UsageException("Say which locks: --lock, --prefix or --node");
    }
    LockwatchConfig settings = source.settings();
    WindowOptions.Window window = windowOptions.window(output.zone(), Instant.now());
    Postmortem postmortem = new Postmortem(output.times(), selection, window.from(), window.to());
    History.ReadSummary summary =
        Timeline.walk(
            source.history(settings, output.progress(err)),
            window.from(),
            window.to(),
            selection,
            new HistoryFold(new LockStateMachine(settings.watchPolicy())),
            postmortem);
    Format format = output.format();
    if (postmortem.from() == null && format == Format.TABLE) {
      out.println("Nothing recorded for " + selection.describe() + " in this window.");
      Commands.reportUndecodable(err, summary);
      return 0;
    }
    // With JSON on stdout, the HTML report is written only when --html names it.
    boolean writeHtml =
        postmortem.from() != null
            && !noHtml
            && (format == Format.TABLE
                || spec.commandLine().getParseResult().hasMatchedOption("--html"));
    if (writeHtml) {
      Files.writeString(html, PostmortemHtml.render(postmortem), StandardCharsets.UTF_8);
    }
    switch (format) {
      case TABLE -> {
        PostmortemText.print(out, postmortem);
        if (writeHtml) {
          out.println("HTML report: " + html);
        }
      }
      case JSON -> {
        var json = PostmortemJson.of(postmortem);
        if (writeHtml) {
          json.put("html", html.toString());
        }
        out.println(LockJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
      }
      case JSONL -> postmortem.facts().forEach(fact -> out.println(PostmortemJson.fact(fact)));
    }
    Commands.reportUndecodable(err, summary);
    return 0;
  }
}
