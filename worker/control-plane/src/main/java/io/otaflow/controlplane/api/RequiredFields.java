package io.otaflow.controlplane.api;

import io.otaflow.domain.InvalidFieldException;

/** Missing request fields are refused by name, before anything else looks at the request. */
final class RequiredFields {

  private RequiredFields() {
  }

  static <T> T require(T value, String field) {
    if (value == null || value instanceof String text && text.isBlank()) {
      throw new InvalidFieldException(field, "is required");
    }
    return value;
  }
}
