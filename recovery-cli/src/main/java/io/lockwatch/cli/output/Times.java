package io.lockwatch.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How the CLI shows times and durations: in one zone (UTC unless told), to the millisecond. */
public final class Times {
  private final ZoneId zone;
  private final DateTimeFormatter full;
  private final DateTimeFormatter clock;

  public Times(ZoneId zone) {
    this.zone = zone;
    this.full = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(zone);
    this.clock = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(zone);
  }

  public ZoneId zone() {
    return zone;
  }

  /** "2026-11-22 03:12:00.000", or "-" for none. */
  public String full(Instant instant) {
    return instant == null ? "-" : full.format(instant);
  }

  /** "03:12:00.000", or "-" for none. */
  public String clock(Instant instant) {
    return instant == null ? "-" : clock.format(instant);
  }

  /** The zone as a heading shows it: "UTC", "Europe/Berlin". */
  public String zoneName() {
    return zone.getId().equals("Z") ? "UTC" : zone.getId();
  }

  /** "1m30s", "850ms", "2h05m", "3d04h". */
  public static String duration(Duration duration) {
    long millis = duration.toMillis();
    String sign = millis < 0 ? "-" : "";
    millis = Math.abs(millis);
    if (millis < 1_000) {
      return sign + millis + "ms";
    }
    long seconds = millis / 1000;
    long tenths = (millis % 1000) / 100;
    if (seconds < 60) {
      return sign + seconds + (tenths > 0 ? "." + tenths : "") + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return sign + minutes + "m" + (seconds % 60 > 0 ? String.format("%02ds", seconds % 60) : "");
    }
    long hours = minutes / 60;
    if (hours < 24) {
      return sign + hours + "h" + String.format("%02dm", minutes % 60);
    }
    return sign + hours / 24 + "d" + String.format("%02dh", hours % 24);
  }
}
