package io.lockwatch.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import picocli.CommandLine.Option;

/** A window of time: {@code --from}/{@code --to}, or {@code --around} with {@code --window}. */
public final class WindowOptions {

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "Start of the window (default: the oldest record kept).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "End of the window, exclusive (default: now).")
  String to;

  @Option(
      names = "--around",
      paramLabel = "TIME",
      description = "Centre of the window, instead of --from/--to.")
  String around;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      defaultValue = "20m",
      description = "Width of the window around --around (default: ${DEFAULT-VALUE}).")
  String width;

  @Option(
      names = "--date",
      paramLabel = "DATE",
      converter = DateConverter.class,
      description = "The day of times given without one, yyyy-MM-dd (default: today in --zone).")
  LocalDate date;

  private static final Duration LONGEST_WINDOW = Duration.ofDays(36_500);

  /** The window as typed; either end may be null (open). */
  public record Window(Instant from, Instant to) {}

  public Window window(ZoneId zone, Instant now) {
    if (around != null) {
      if (from != null || to != null) {
        throw new UsageException("Give --around or --from/--to, not both");
      }
      Instant centre = TimeParser.instant(around, zone, date, now);
      Duration window = TimeParser.duration(width);
      if (window.isZero() || window.isNegative() || window.compareTo(LONGEST_WINDOW) > 0) {
        throw new UsageException(
            "--window must be more than 0 and at most 36500d (100 years), not " + width);
      }
      Duration half = window.dividedBy(2);
      return new Window(centre.minus(half), centre.plus(half));
    }
    Instant start = from == null ? null : TimeParser.instant(from, zone, date, now);
    Instant end = to == null ? null : TimeParser.instant(to, zone, date, now);
    if (start != null && end != null && !start.isBefore(end)) {
      throw new UsageException("--from must be before --to");
    }
    return new Window(start, end);
  }

  /** The day given by --date, if any: for times typed elsewhere (the instant of {@code at}). */
  public LocalDate date() {
    return date;
  }
}
