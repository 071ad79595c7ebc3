package io.otaflow.plan;

import java.math.BigDecimal;
import java.math.MathContext;

/** Metric values as people read them in reasons: {@code 0.12}, {@code 1500}, {@code 3.14159}, {@code +Inf}. */
public final class Numbers {

  private Numbers() {
  }

  public static String format(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
