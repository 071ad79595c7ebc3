package io.otaflow.controlplane.analysis;

/**
 * A query's one number, or why there is none.
 *
 * @param value   null when there is none
 * @param missing why there is none (empty result, several series, NaN, a refused query); null with a value
 */
public record InstantValue(Double value, String missing) {

  public static InstantValue of(double value) {
    return new InstantValue(value, null);
  }

  public static InstantValue none(String why) {
    return new InstantValue(null, why);
  }
}
