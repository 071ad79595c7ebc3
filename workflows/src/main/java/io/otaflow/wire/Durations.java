package io.otaflow.wire;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them, the same everywhere they do: agent.yaml, plan files and CLI flags. {@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d} (a bare number is seconds) or ISO-8601 ({@code PT1H30M}).
 */
public final class Durations {

  /** For error messages. */
  public static final String FORMS = "30s, 5m, 1h, 2d, 500ms or ISO-8601 like PT1H30M";

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Durations() {
  }

  /** The duration {@code value} says, or empty when it is none of the forms. */
  public static Optional<Duration> read(String value) {
    String text = value.trim();
    Matcher simple = SIMPLE.matcher(text.toLowerCase(Locale.ROOT));
    try {
      if (simple.matches()) {
        long amount = Long.parseLong(simple.group(1));
        String unit = simple.group(2) == null ? "s" : simple.group(2);
        return Optional.of(switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          case "d" -> Duration.ofDays(amount);
          default -> Duration.ofSeconds(amount);
        });
      }
      return Optional.of(Duration.parse(text));
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException notADuration) {
      return Optional.empty();
    }
  }

  /** @throws IllegalArgumentException naming {@code field}: missing, not a duration, or not positive */
  public static Duration parsePositive(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": missing, expected a duration such as " + FORMS);
    }
    Duration duration = read(value).orElseThrow(() -> new IllegalArgumentException(
        field + ": '" + value + "' is not a duration, expected one such as " + FORMS));
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(field + ": must be positive, got '" + value + "'");
    }
    return duration;
  }
}
