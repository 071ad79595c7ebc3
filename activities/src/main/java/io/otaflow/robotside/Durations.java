package io.otaflow.robotside;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in agent.yaml: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601. */
final class Durations {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private Durations() {
  }

  /** @throws IllegalArgumentException naming {@code field} */
  static Duration parse(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": missing, expected a duration such as 30s, 5m or 500ms");
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(v);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      d = switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofSeconds(n);
      };
    } else {
      try {
        d = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(field + ": '" + value
            + "' is not a duration, expected one such as 30s, 5m or 500ms");
      }
    }
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + ": must be positive, got '" + value + "'");
    }
    return d;
  }
}
