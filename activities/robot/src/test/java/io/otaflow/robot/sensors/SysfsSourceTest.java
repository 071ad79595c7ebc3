package io.otaflow.robot.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsSourceTest {

  @TempDir
  Path root;

  private Map<Quantity, Reading> read() {
    return new SysfsSource(root).read();
  }

  @Test
  void readsTheBatteryItsChargingStatusAndTheHottestZone() {
    SysfsTree.chargingRobot(root);

    assertThat(read()).isEqualTo(Map.of(
        Quantity.BATTERY_PERCENT, Reading.of(87),
        Quantity.CHARGING, Reading.of(true),
        Quantity.TEMPERATURE_C, Reading.of(61.2)));
  }

  @Test
  void fullIsChargingDischargingAndNotChargingAreNotAnythingElseIsUnknown() {
    SysfsTree sysfs = SysfsTree.chargingRobot(root);
    String status = "sys/class/power_supply/BAT0/status";

    assertThat(read().get(Quantity.CHARGING)).isEqualTo(Reading.of(true));
    sysfs.write(status, "Full");
    assertThat(read().get(Quantity.CHARGING)).isEqualTo(Reading.of(true));
    sysfs.write(status, "Discharging");
    assertThat(read().get(Quantity.CHARGING)).isEqualTo(Reading.of(false));
    sysfs.write(status, "Not charging");
    assertThat(read().get(Quantity.CHARGING)).isEqualTo(Reading.of(false));
    sysfs.write(status, "Unknown");
    assertThat(read().get(Quantity.CHARGING)).isEqualTo(Reading.unknown("sysfs " + sysfs.file(status)
        + ": 'Unknown' is none of Charging, Full, Discharging, Not charging"));
  }

  @Test
  void aMissingOrGarbledCapacityIsUnknownNamingTheFile() {
    SysfsTree sysfs = SysfsTree.chargingRobot(root);
    String capacity = "sys/class/power_supply/BAT0/capacity";

    sysfs.delete(capacity);
    assertThat(read().get(Quantity.BATTERY_PERCENT))
        .isEqualTo(Reading.unknown("sysfs " + sysfs.file(capacity) + ": missing"));

    sysfs.write(capacity, "lots");
    assertThat(read().get(Quantity.BATTERY_PERCENT))
        .isEqualTo(Reading.unknown("sysfs " + sysfs.file(capacity) + ": 'lots' is not a number"));
  }

  @Test
  void withoutABatteryBatteryAndChargingAreUnknown() {
    SysfsTree sysfs = SysfsTree.chargingRobot(root).delete("sys/class/power_supply/BAT0/type");
    Reading none = Reading.unknown("sysfs " + sysfs.file("sys/class/power_supply")
        + ": no battery (no */type Battery)");

    assertThat(read()).containsEntry(Quantity.BATTERY_PERCENT, none).containsEntry(Quantity.CHARGING, none);
  }

  @Test
  void aPeripheralsBatteryIsNotTheRobots() {
    new SysfsTree(root)
        .write("sys/class/power_supply/hid-gamepad-battery/type", "Battery")
        .write("sys/class/power_supply/hid-gamepad-battery/scope", "Device")
        .write("sys/class/power_supply/hid-gamepad-battery/capacity", "5")
        .write("sys/class/power_supply/sbs-5-000b/type", "Battery")
        .write("sys/class/power_supply/sbs-5-000b/capacity", "64")
        .write("sys/class/power_supply/sbs-5-000b/status", "Discharging");

    assertThat(read().get(Quantity.BATTERY_PERCENT)).isEqualTo(Reading.of(64));
  }

  @Test
  void aZoneThatCannotBeReadMakesTheTemperatureUnknownRatherThanLower() {
    SysfsTree sysfs = SysfsTree.chargingRobot(root).write("sys/class/thermal/thermal_zone1/temp", "");

    assertThat(read().get(Quantity.TEMPERATURE_C)).isEqualTo(Reading.unknown("sysfs "
        + sysfs.file("sys/class/thermal/thermal_zone1/temp") + ": '' is not a number"));
  }

  @Test
  void withoutThermalZonesTheTemperatureIsUnknown() {
    assertThat(read().get(Quantity.TEMPERATURE_C))
        .isEqualTo(Reading.unknown("sysfs " + root.resolve("sys/class/thermal") + ": no thermal_zone*"));
  }
}
