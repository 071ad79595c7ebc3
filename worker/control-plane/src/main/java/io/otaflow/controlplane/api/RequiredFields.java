package io.otaflow.controlplane.api;

/** Missing request fields are refused by name, before anything else looks at the request. */
final class RequiredFields {

  private RequiredFields() {
  }

  static <T> T require(T value, String field) {
    if (value == null || value instanceof String text && text.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }
}
