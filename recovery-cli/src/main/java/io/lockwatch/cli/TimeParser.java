package io.lockwatch.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the instants and durations people type: ISO-8601 ({@code 2026-11-22T03:12:00Z}, with an
 * offset, or local to the zone), a date and time ({@code 2026-11-22 03:12}), a time of day ({@code
 * 03:12}, on {@code --date} or today, in the zone), relative to now ({@code -30m}, {@code -2h},
 * {@code now}); durations as {@code 20m}, {@code 90s}, {@code 1h30m}, {@code 500ms}, {@code 2d} or
 * ISO {@code PT20M}.
 */
public final class TimeParser {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final String INSTANT_FORMS =
      "expected e.g. 2026-11-22T03:12:00Z, 2026-11-22 03:12, 03:12 or -30m";

  private TimeParser() {}

  public static Instant instant(String text, ZoneId zone, LocalDate date, Instant now) {
    String value = text.trim();
    try {
      if (value.equalsIgnoreCase("now")) {
        return now;
      }
      if (value.startsWith("-") || value.startsWith("+")) {
        Duration offset = duration(value.substring(1));
        return value.startsWith("-") ? now.minus(offset) : now.plus(offset);
      }
      String iso = value.replace(' ', 'T');
      if (iso.contains("T")) {
        if (iso.endsWith("Z") || iso.matches(".*[+-]\\d\\d:?\\d\\d$")) {
          return OffsetDateTime.parse(iso).toInstant();
        }
        return LocalDateTime.parse(iso).atZone(zone).toInstant();
      }
      if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
        return LocalDate.parse(value).atStartOfDay(zone).toInstant();
      }
      LocalDate day = date != null ? date : LocalDate.ofInstant(now, zone);
      return LocalTime.parse(value).atDate(day).atZone(zone).toInstant();
    } catch (DateTimeException | IllegalArgumentException e) {
      throw new UsageException("'" + text + "' is not a time; " + INSTANT_FORMS);
    }
  }

  public static Duration duration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("p")) {
      try {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      } catch (DateTimeException e) {
        throw durationError(text);
      }
    }
    Matcher matcher = DURATION.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      try {
        long amount = Long.parseLong(matcher.group(1));
        total =
            total.plus(
                switch (matcher.group(2)) {
                  case "ms" -> Duration.ofMillis(amount);
                  case "s" -> Duration.ofSeconds(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  case "h" -> Duration.ofHours(amount);
                  default -> Duration.ofDays(amount);
                });
      } catch (ArithmeticException | NumberFormatException e) {
        throw new UsageException("'" + text + "' is too long a duration");
      }
      end = matcher.end();
    }
    if (end == 0 || end != value.length()) {
      throw durationError(text);
    }
    return total;
  }

  private static UsageException durationError(String text) {
    return new UsageException(
        "'" + text + "' is not a duration; expected e.g. 20m, 90s, 1h30m or PT20M");
  }
}
