package io.otaflow.registry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The fleet-wide kill switch as someone set it, now or in its history.
 *
 * @param operator who set it this way; null (with reason and since) while nobody ever switched it
 * @param reason   why; may be null when it was turned off
 */
public record KillSwitchRecord(boolean on, String operator, String reason, Instant since) {

  /** Minutes are enough for people reading when an emergency started. */
  private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mmX")
      .withZone(ZoneOffset.UTC);

  /** Like {@code on since 2026-12-01T02:00Z (ana: bad batch of motors)}. */
  public String describe() {
    if (since == null) {
      return "off (never switched on)";
    }
    return (on ? "on" : "off") + " since " + SINCE.format(since) + " (" + operator
        + (reason == null ? "" : ": " + reason) + ")";
  }
}
