package io.lockwatch.cli;

import java.time.DateTimeException;
import java.time.ZoneId;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a time zone: "UTC", "Europe/Berlin", "+02:00". */
public final class ZoneConverter implements ITypeConverter<ZoneId> {
  @Override
  public ZoneId convert(String value) {
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a time zone; expected e.g. UTC, Europe/Berlin or +02:00");
    }
  }
}
