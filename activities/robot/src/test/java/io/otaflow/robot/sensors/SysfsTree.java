package io.otaflow.robot.sensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A directory laid out like sysfs, for a {@link SysfsSource} rooted there. */
public final class SysfsTree {

  private final Path root;

  public SysfsTree(Path root) {
    this.root = root;
  }

  /** A robot on its charger: mains online, BAT0 at 87% and Charging, two thermal zones at 45.5 C and 61.2 C. */
  public static SysfsTree chargingRobot(Path root) {
    return new SysfsTree(root)
        .write("sys/class/power_supply/AC/type", "Mains")
        .write("sys/class/power_supply/AC/online", "1")
        .write("sys/class/power_supply/BAT0/type", "Battery")
        .write("sys/class/power_supply/BAT0/capacity", "87")
        .write("sys/class/power_supply/BAT0/status", "Charging")
        .write("sys/class/thermal/thermal_zone0/temp", "45500")
        .write("sys/class/thermal/thermal_zone1/temp", "61200")
        .write("sys/class/thermal/cooling_device0/cur_state", "0");
  }

  /** Writes {@code value} and a newline, as the kernel answers, to {@code path} under the root. */
  public SysfsTree write(String path, String value) {
    try {
      Path file = root.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, value + "\n");
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public SysfsTree delete(String path) {
    try {
      Files.delete(root.resolve(path));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path root() {
    return root;
  }

  public Path file(String path) {
    return root.resolve(path);
  }
}
