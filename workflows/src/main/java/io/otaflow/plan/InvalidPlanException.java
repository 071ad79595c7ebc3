package io.otaflow.plan;

/** A plan that must not start; {@link #field()} names the offending field, like {@code stages[2].percent}. */
public class InvalidPlanException extends IllegalArgumentException {

  private final String field;

  public InvalidPlanException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
