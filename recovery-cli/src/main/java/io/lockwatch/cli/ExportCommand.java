package io.lockwatch.cli;

import io.lockwatch.cli.history.ExportFile;
import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.KafkaHistory;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.output.Times;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch export}: a window of history into an Avro container file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write a window of lock history to an Avro file, schemas embedded.",
      "",
      "Replay it or write postmortems from it later (--file), after Kafka's retention has",
      "dropped the records.",
      "",
      "The file holds the window only: start it early enough to include the acquire of a",
      "lock held across the time you care about."
    })
public final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;
  @Mixin SelectionOptions selectionOptions;
  @Mixin WindowOptions windowOptions;
  @Mixin OutputOptions output;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The file to write (replaced if it exists).")
  Path file;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (output.format() != io.lockwatch.cli.output.Format.TABLE) {
      throw new UsageException(
          "export writes an Avro file and prints one line; -o "
              + output.format().name().toLowerCase(java.util.Locale.ROOT)
              + " is for replay, at, postmortem and locks");
    }
    LockwatchConfig settings = connection.config();
    WindowOptions.Window window = windowOptions.window(output.zone(), Instant.now());
    Selection selection = selectionOptions.selection();
    if (selection.node().isPresent()) {
      throw new UsageException(
          "export selects by --lock or --prefix (a node's story needs its locks' whole history)");
    }
    History history =
        new KafkaHistory(
            settings.clientConfig(),
            TopicCatalog.fromConfig(settings.clientConfig()),
            connection.timeout(),
            output.progress(spec.commandLine().getErr()));
    Map<String, String> metadata = new TreeMap<>();
    metadata.put("lockwatch.selection", selection.describe());
    metadata.put("lockwatch.from", window.from() == null ? "" : window.from().toString());
    metadata.put("lockwatch.to", window.to() == null ? "" : window.to().toString());
    metadata.put("lockwatch.exported-at", Instant.now().toString());
    // The settings the app judged with travel with the history, so that a fold of the file
    // judges as the app did.
    metadata.put(ExportFile.SETTINGS_RECORDED, "true");
    settings
        .judgementSettings()
        .forEach((key, value) -> metadata.put(ExportFile.SETTING_PREFIX + key, value));
    History.ReadSummary summary;
    long written;
    try (ExportFile.Writer writer = ExportFile.create(file, metadata)) {
      summary = history.read(window.from(), window.to(), selection, writer);
      written = writer.written();
    }
    Times times = output.times();
    out.printf(
        "Exported %,d records of %s, %s to %s %s, to %s (%,d bytes)%n",
        written,
        selection.describe(),
        window.from() == null ? "the beginning" : times.full(window.from()),
        window.to() == null ? "now" : times.full(window.to()),
        times.zoneName(),
        file,
        Files.size(file));
    Commands.reportUndecodable(spec.commandLine().getErr(), summary);
    return 0;
  }
}
