package io.otaflow.controlplane.api;

import io.otaflow.domain.InvalidFieldException;

/** The {@code limit} query parameter of every paged list: how many rows a page holds. */
final class PageLimit {

  static final int DEFAULT = 100;
  static final int MAX = 1_000;

  private PageLimit() {
  }

  /**
   * Read as text, so that a bad one is refused with the same sentence whether it is not a number or out of range.
   *
   * @param text null for the default
   */
  static int parse(String text) {
    if (text == null) {
      return DEFAULT;
    }
    try {
      int limit = Integer.parseInt(text.strip());
      if (limit >= 1 && limit <= MAX) {
        return limit;
      }
    } catch (NumberFormatException notANumber) {
      // refused below, like a number out of range
    }
    throw new InvalidFieldException("limit", "must be a whole number from 1 to " + MAX + ", not '" + text + "'");
  }
}
