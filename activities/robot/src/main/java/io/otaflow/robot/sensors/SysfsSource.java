package io.otaflow.robot.sensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Battery, charging and temperature from Linux sysfs under {@code root} ({@code /} on a robot): the first battery in
 * {@code sys/class/power_supply} ({@code capacity}, and {@code status} Charging or Full as charging) and the hottest
 * {@code sys/class/thermal/thermal_zone*}/{@code temp} (millidegrees). The kernel answers each read afresh, so sysfs
 * readings are never stale.
 */
public record SysfsSource(Path root) implements SensorSource {

  @Override
  public String name() {
    return "sysfs " + root;
  }

  @Override
  public Map<Quantity, Reading> read() {
    Map<Quantity, Reading> readings = new EnumMap<>(Quantity.class);
    Path supplies = root.resolve("sys/class/power_supply");
    Optional<Path> battery;
    try {
      battery = entries(supplies).stream().filter(SysfsSource::isRobotBattery).findFirst();
    } catch (IOException e) {
      battery = Optional.empty();
    }
    if (battery.isPresent()) {
      readings.put(Quantity.BATTERY_PERCENT, parse(battery.get().resolve("capacity"), SysfsSource::percent));
      readings.put(Quantity.CHARGING, parse(battery.get().resolve("status"), SysfsSource::charging));
    } else {
      Reading none = Reading.unknown("sysfs " + supplies + ": no battery (no */type Battery)");
      readings.put(Quantity.BATTERY_PERCENT, none);
      readings.put(Quantity.CHARGING, none);
    }
    readings.put(Quantity.TEMPERATURE_C, hottestZone(root.resolve("sys/class/thermal")));
    return readings;
  }

  /** A battery of the robot's own: scope Device is a peripheral's, a gamepad's or a mouse's. */
  private static boolean isRobotBattery(Path supply) {
    try {
      return contents(supply.resolve("type")).equals("Battery")
          && !(Files.exists(supply.resolve("scope")) && contents(supply.resolve("scope")).equals("Device"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The highest zone's temperature; a zone that cannot be read makes the temperature unknown, not lower. */
  private static Reading hottestZone(Path thermal) {
    List<Path> zones;
    try {
      zones = entries(thermal).stream().filter(z -> z.getFileName().toString().startsWith("thermal_zone")).toList();
    } catch (IOException e) {
      zones = List.of();
    }
    if (zones.isEmpty()) {
      return Reading.unknown("sysfs " + thermal + ": no thermal_zone*");
    }
    Reading hottest = null;
    for (Path zone : zones) {
      Reading celsius = parse(zone.resolve("temp"), SysfsSource::millidegrees);
      if (!celsius.known()) {
        return celsius;
      }
      if (hottest == null || celsius.number() > hottest.number()) {
        hottest = celsius;
      }
    }
    return hottest;
  }

  private static Reading percent(String text) {
    return Reading.of(Double.parseDouble(text));
  }

  private static Reading millidegrees(String text) {
    return Reading.of(Long.parseLong(text) / 1000.0);
  }

  private static Reading charging(String status) {
    return switch (status) {
      case "Charging", "Full" -> Reading.of(true);
      case "Discharging", "Not charging" -> Reading.of(false);
      default -> throw new IllegalArgumentException("'" + status + "' is none of Charging, Full, Discharging, "
          + "Not charging");
    };
  }

  /** {@code file}'s contents through {@code parse}, or why not: missing, unreadable, or not what parse expects. */
  private static Reading parse(Path file, Function<String, Reading> parse) {
    String text;
    try {
      text = contents(file);
    } catch (NoSuchFileException e) {
      return Reading.unknown("sysfs " + file + ": missing");
    } catch (IOException e) {
      return Reading.unknown("sysfs " + file + ": cannot read (" + e + ")");
    }
    try {
      return parse.apply(text);
    } catch (NumberFormatException e) {
      return Reading.unknown("sysfs " + file + ": '" + text + "' is not a number");
    } catch (IllegalArgumentException e) {
      return Reading.unknown("sysfs " + file + ": " + e.getMessage());
    }
  }

  private static String contents(Path file) throws IOException {
    return Files.readString(file).trim();
  }

  /** In name order, so the same robot always reads the same battery. */
  private static List<Path> entries(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    }
  }
}
