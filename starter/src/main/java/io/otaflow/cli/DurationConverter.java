package io.otaflow.cli;

import io.otaflow.wire.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A positive duration in any form {@link Durations} reads: 30d, 12h, 90m, 45s or ISO-8601 (PT36H). */
public final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return Durations.parsePositive(value, "duration");
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
