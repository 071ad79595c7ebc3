package io.otaflow.robot;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * The daily window in which a robot may be updated, in the robot's own time zone. A window whose end is before its
 * start runs over midnight ({@code 22:00-05:00}); a window whose start equals its end is the whole day.
 */
public record MaintenanceWindow(LocalTime start, LocalTime end, ZoneId zone) {

  public MaintenanceWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(zone, "zone");
  }

  /**
   * @param field the configuration field, named in the error ({@code safeState.maintenanceWindow})
   * @throws IllegalArgumentException naming the bad field
   */
  public static MaintenanceWindow parse(String start, String end, String zone, String field) {
    return new MaintenanceWindow(time(start, field + ".start"), time(end, field + ".end"),
        zone(zone, field + ".zone"));
  }

  private static LocalTime time(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": missing, expected HH:MM such as 22:00");
    }
    try {
      return LocalTime.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(field + ": '" + value + "' is not a time, expected HH:MM such as 22:00");
    }
  }

  private static ZoneId zone(String value, String field) {
    if (value == null || value.isBlank()) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(value.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(field + ": '" + value + "' is not a time zone, expected one such as "
          + "Europe/Paris or UTC");
    }
  }

  public boolean contains(Instant now) {
    LocalTime t = now.atZone(zone).toLocalTime();
    if (start.equals(end)) {
      return true;
    }
    if (start.isBefore(end)) {
      return !t.isBefore(start) && t.isBefore(end);
    }
    return !t.isBefore(start) || t.isBefore(end);
  }

  @Override
  public String toString() {
    return start + "-" + end + " " + zone.getId();
  }
}
