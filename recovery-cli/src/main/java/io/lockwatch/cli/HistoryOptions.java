package io.lockwatch.cli;

import io.lockwatch.cli.history.ExportFile;
import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.KafkaHistory;
import io.lockwatch.cli.output.Progress;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
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

  /** The settings (for thresholds and policies); Kafka's address only needed without --file. */
  public LockwatchConfig settings() {
    return file != null ? connection.settings() : connection.config();
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
