package io.otaflow.controlplane.ui;

import java.time.Duration;
import java.time.Instant;

/** How long ago, as a person reads it at a glance: "40 s ago", "12 min ago", "3 h ago", "5 d ago". */
final class Ago {

  private Ago() {
  }

  static String text(Instant then, Instant now) {
    if (then == null) {
      return "never";
    }
    Duration ago = Duration.between(then, now);
    if (ago.isNegative() || ago.toSeconds() < 1) {
      return "just now";
    }
    if (ago.toMinutes() < 1) {
      return ago.toSeconds() + " s ago";
    }
    if (ago.toHours() < 1) {
      return ago.toMinutes() + " min ago";
    }
    return ago.toDays() < 1 ? ago.toHours() + " h ago" : ago.toDays() + " d ago";
  }
}
