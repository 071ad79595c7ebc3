package io.otaflow.domain;

/**
 * Input refused because of one field, named by its path from the document's root ({@code plan.stages[2].percent}):
 * the message starts with that path, and the REST API also answers it as the problem's {@code field}.
 */
public class InvalidFieldException extends IllegalArgumentException {

  private final String field;
  private final String problem;

  public InvalidFieldException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
    this.problem = problem;
  }

  public String field() {
    return field;
  }

  /** The same refusal with its path seen from the enclosing document: {@code stages[0]} inside {@code plan}. */
  public InvalidFieldException within(String parent) {
    return new InvalidFieldException(parent + "." + field, problem);
  }
}
