package io.lockwatch.cli;

import io.lockwatch.cli.history.ExportFile;
import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.KafkaHistory;
import io.lockwatch.cli.output.Progress;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where history comes from: Lockwatch's topics, or a file written by {@code lockwatch export}. */
public final class HistoryOptions {

  @Mixin ConnectionOptions connection;

  @Option(
      names = "--file",
      paramLabel = "FILE",
      description = "Read an export file (lockwatch export) instead of Kafka.")
  Path file;

  /**
   * The settings (for thresholds and policies); Kafka's address only needed without --file. A file
   * read without --config is folded with the settings recorded in it; a file that recorded none is
   * not folded on a guess.
   */
  public LockwatchConfig settings() {
    if (file == null) {
      return connection.config();
    }
    if (connection.hasConfigFile()) {
      return connection.settings();
    }
    Map<String, String> metadata;
    try {
      metadata = ExportFile.metadata(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (!metadata.containsKey(ExportFile.SETTINGS_RECORDED)) {
      throw new UsageException(
          file
              + " does not record the settings Lockwatch judged with (exported by an older"
              + " lockwatch); give --config with the app's thresholds and policies");
    }
    Map<String, String> recorded = new java.util.TreeMap<>();
    metadata.forEach(
        (key, value) -> {
          if (key.startsWith(ExportFile.SETTING_PREFIX)) {
            recorded.put(key.substring(ExportFile.SETTING_PREFIX.length()), value);
          }
        });
    return connection.settings().with(recorded);
  }

  public History history(LockwatchConfig settings, Progress progress) {
    if (file != null) {
      return ExportFile.history(file);
    }
    return new KafkaHistory(
        settings.clientConfig(),
        TopicCatalog.fromConfig(settings.clientConfig()),
        timeout(),
        progress);
  }

  public Duration timeout() {
    return connection.timeout();
  }

  /** Where the history is read from, for headings. */
  public String source(LockwatchConfig settings) {
    return file != null
        ? file.toString()
        : "Kafka at " + settings.clientConfig().get("bootstrap.servers");
  }
}
