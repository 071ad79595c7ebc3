package io.otaflow.plan;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The comparisons a {@link SuccessCondition} may use, written as their symbols. */
public enum Comparison {
  LESS("<"), LESS_OR_EQUAL("<="), GREATER(">"), GREATER_OR_EQUAL(">="), EQUAL("=="), NOT_EQUAL("!=");

  /** Every symbol, for error messages: {@code <, <=, >, >=, ==, !=}. */
  public static final String SYMBOLS = Arrays.stream(values()).map(c -> c.symbol).collect(Collectors.joining(", "));

  private final String symbol;

  Comparison(String symbol) {
    this.symbol = symbol;
  }

  public static Optional<Comparison> of(String symbol) {
    return Arrays.stream(values()).filter(c -> c.symbol.equals(symbol)).findFirst();
  }

  public boolean holds(double value, double threshold) {
    return switch (this) {
      case LESS -> value < threshold;
      case LESS_OR_EQUAL -> value <= threshold;
      case GREATER -> value > threshold;
      case GREATER_OR_EQUAL -> value >= threshold;
      case EQUAL -> value == threshold;
      case NOT_EQUAL -> value != threshold;
    };
  }
}
