package io.otaflow.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Durations as people write them in plan files, request bodies and agent.yaml: {@code 30s}, {@code 10m}, {@code 1h}, a
 * number of seconds, or ISO-8601 (see {@link Durations}). Anything else is refused as a weird string value, which
 * names the field.
 */
final class HumanDurationDeserializer extends StdScalarDeserializer<Duration> {

  HumanDurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    if (parser.hasToken(JsonToken.VALUE_NUMBER_INT)) {
      return Duration.ofSeconds(parser.getLongValue());
    }
    if (parser.hasToken(JsonToken.VALUE_STRING)) {
      String text = parser.getText();
      Optional<Duration> duration = Durations.read(text);
      if (duration.isPresent()) {
        return duration.get();
      }
      return (Duration) context.handleWeirdStringValue(Duration.class, text, "not a duration");
    }
    return (Duration) context.handleUnexpectedToken(Duration.class, parser);
  }
}
