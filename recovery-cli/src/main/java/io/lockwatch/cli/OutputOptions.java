package io.lockwatch.cli;

import io.lockwatch.cli.output.Format;
import io.lockwatch.cli.output.Progress;
import io.lockwatch.cli.output.Times;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.ZoneOffset;
import picocli.CommandLine.Option;

/** How a command prints: format, time zone, progress. */
public final class OutputOptions {

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table, json or jsonl (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      converter = ZoneConverter.class,
      description = "Time zone for times shown and read, e.g. Europe/Berlin (default: UTC).")
  ZoneId zone;

  @Option(
      names = "--no-progress",
      description = "No progress bar on stderr (there is none when stderr is not a terminal).")
  boolean noProgress;

  public Format format() {
    return format;
  }

  public ZoneId zone() {
    return zone != null ? zone : ZoneOffset.UTC;
  }

  public Times times() {
    return new Times(zone());
  }

  public Progress progress(PrintWriter err) {
    return Progress.on(err, !noProgress && System.console() != null);
  }
}
