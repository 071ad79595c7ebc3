package io.otaflow.wire;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * One line naming the field a JSON or YAML document got wrong ({@code stages[0].bakeTime: '3 weeks' is not a Duration
 * (write durations like ...)}), the same for a request body the control plane refuses and a plan file the CLI checks.
 */
public final class JsonFieldErrors {

  private JsonFieldErrors() {
  }

  public static String describe(JsonMappingException e) {
    if (e instanceof UnrecognizedPropertyException unknown) {
      return path(unknown) + ": unknown field";
    }
    if (e instanceof InvalidFormatException format) {
      // The only date-time values in these documents are a plan's durations.
      String hint = format.getTargetType() == Duration.class ? " (write durations like " + Durations.FORMS + ")" : "";
      return path(format) + ": '" + format.getValue() + "' is not a " + format.getTargetType().getSimpleName() + hint;
    }
    return path(e) + ": " + e.getOriginalMessage();
  }

  /** Like {@code plan.stages[0].bakeTime}; empty when the document itself is at fault. */
  public static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining())
        .replaceFirst("^\\.", "");
  }
}
