package io.otaflow.robot.sensors;

/**
 * One quantity as read: its value (a Double, or a Boolean for a {@linkplain Quantity#isFlag() flag}), or why it is
 * unknown, naming the source ({@code sysfs /sys/class/power_supply/BAT0/capacity: missing}).
 */
public record Reading(Object value, String whyUnknown) {

  public Reading {
    if ((value == null) == (whyUnknown == null)) {
      throw new IllegalArgumentException("a reading has a value or a reason it has none, not both or neither");
    }
  }

  public static Reading of(double number) {
    return new Reading(number, null);
  }

  public static Reading of(boolean flag) {
    return new Reading(flag, null);
  }

  public static Reading unknown(String why) {
    return new Reading(null, why);
  }

  public boolean known() {
    return value != null;
  }

  public double number() {
    return (Double) valueOrThrow();
  }

  public boolean flag() {
    return (Boolean) valueOrThrow();
  }

  /** Known and true. */
  public boolean isTrue() {
    return Boolean.TRUE.equals(value);
  }

  private Object valueOrThrow() {
    if (!known()) {
      throw new IllegalStateException(whyUnknown);
    }
    return value;
  }
}
