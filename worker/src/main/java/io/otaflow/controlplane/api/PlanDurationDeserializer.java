package io.otaflow.controlplane.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import io.otaflow.config.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Durations in request bodies (a plan's bakeTime, robotTimeout, ...) as people write them in plan files and
 * agent.yaml: {@code 30s}, {@code 10m}, {@code 1h}, a number of seconds, or ISO-8601. Anything else is refused
 * naming the field (see {@link ApiExceptionHandler}).
 */
final class PlanDurationDeserializer extends StdScalarDeserializer<Duration> {

  PlanDurationDeserializer() {
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
