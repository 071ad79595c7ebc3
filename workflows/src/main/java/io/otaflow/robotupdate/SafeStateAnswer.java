package io.otaflow.robotupdate;

/**
 * Whether a robot may be updated right now.
 *
 * @param reason why not, such as {@code mission running} or {@code battery 31% < 40%}; null when safe
 */
public record SafeStateAnswer(boolean safe, String reason) {

  public static SafeStateAnswer safeNow() {
    return new SafeStateAnswer(true, null);
  }

  public static SafeStateAnswer notNow(String reason) {
    return new SafeStateAnswer(false, reason);
  }
}
