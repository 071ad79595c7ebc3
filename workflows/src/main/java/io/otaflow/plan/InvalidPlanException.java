package io.otaflow.plan;

/** A plan that must not start; the message starts with the offending field, like {@code stages[2].percent: ...}. */
public class InvalidPlanException extends IllegalArgumentException {

  public InvalidPlanException(String field, String problem) {
    super(field + ": " + problem);
  }
}
