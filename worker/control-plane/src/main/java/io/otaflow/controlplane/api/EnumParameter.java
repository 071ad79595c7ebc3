package io.otaflow.controlplane.api;

import io.otaflow.domain.InvalidFieldException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A query parameter naming a value of an enum, in any case; refused naming the parameter and the valid values. */
public final class EnumParameter {

  private EnumParameter() {
  }

  /** @param what how the values are called, like "robot state" */
  public static <E extends Enum<E>> E parse(Class<E> type, String parameter, String what, String value) {
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      throw new InvalidFieldException(parameter, "'" + value + "' is not a " + what + "; valid: "
          + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
    }
  }
}
