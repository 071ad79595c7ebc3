package io.otaflow.plan;

import io.otaflow.domain.InvalidFieldException;

/** A plan that must not start; the message starts with the offending field, like {@code stages[2].percent: ...}. */
public class InvalidPlanException extends InvalidFieldException {

  public InvalidPlanException(String field, String problem) {
    super(field, problem);
  }
}
