package io.otaflow.robot.sensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * A JSON object of readings, as the file, command and HTTP sources answer: any of the {@linkplain Quantity#field()
 * quantities' fields}, other fields ignored, and optionally {@value #TIMESTAMP}, when they were measured.
 */
final class JsonReadings {

  /** ISO-8601 ({@code 2026-03-10T12:00:00Z}) or epoch seconds; without it, the source says when it produced them. */
  static final String TIMESTAMP = "timestamp";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JsonReadings() {
  }

  /**
   * @param producedAt when the source produced {@code text}: a file's modification time, a command's or a request's
   *     end; the document's timestamp wins over it
   * @param maxAge older readings are unknown; null: no limit
   */
  static Map<Quantity, Reading> parse(String source, String text, Instant producedAt, Duration maxAge, Instant now) {
    JsonNode document;
    try {
      document = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return failed(source + ": not JSON (" + e.getOriginalMessage().split(": ", 2)[0]
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr()) + ")");
    }
    if (document == null || !document.isObject()) {
      return failed(source + ": not a JSON object");
    }
    Instant measuredAt = producedAt;
    JsonNode timestamp = document.get(TIMESTAMP);
    if (timestamp != null) {
      try {
        measuredAt = timestamp.isNumber() ? Instant.ofEpochMilli(Math.round(timestamp.doubleValue() * 1000))
            : Instant.parse(timestamp.asText());
      } catch (DateTimeException | ArithmeticException e) {
        return failed(source + ": " + TIMESTAMP + " " + timestamp + " is neither ISO-8601 nor epoch seconds");
      }
    }
    Duration age = Duration.between(measuredAt, now);
    if (maxAge != null && age.compareTo(maxAge) > 0) {
      return failed(source + ": reading is " + seconds(age) + " old (limit " + seconds(maxAge) + ")");
    }
    Map<Quantity, Reading> readings = new EnumMap<>(Quantity.class);
    for (Quantity quantity : Quantity.values()) {
      JsonNode node = document.get(quantity.field());
      if (node == null) {
        continue;
      }
      if (quantity.isFlag()) {
        readings.put(quantity, node.isBoolean() ? Reading.of(node.booleanValue())
            : Reading.unknown(source + ": " + quantity.field() + " is " + node + ", expected true or false"));
      } else {
        readings.put(quantity, node.isNumber() ? Reading.of(node.doubleValue())
            : Reading.unknown(source + ": " + quantity.field() + " is " + node + ", expected a number"));
      }
    }
    return readings;
  }

  /** Every quantity unknown for one reason: the source as a whole could not be read. */
  static Map<Quantity, Reading> failed(String why) {
    Map<Quantity, Reading> readings = new EnumMap<>(Quantity.class);
    for (Quantity quantity : Quantity.values()) {
      readings.put(quantity, Reading.unknown(why));
    }
    return readings;
  }

  private static String seconds(Duration duration) {
    return duration.toSeconds() + "s";
  }
}
