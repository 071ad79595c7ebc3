package io.otaflow.robot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * When a robot may be updated.
 *
 * @param maintenanceWindow null: at any time of day
 * @param killSwitchFile while this file exists nothing is applied; null: no kill switch
 */
public record SafeStateRules(boolean requireIdle, boolean requireDockedOrCharging, double minBatteryPercent,
                             MaintenanceWindow maintenanceWindow, Path killSwitchFile) {

  public static final String DEFAULT_KILL_SWITCH = "kill-switch";
  public static final double DEFAULT_MIN_BATTERY_PERCENT = 40;

  /** Idle, docked or charging, battery at least 40%, any time of day, kill switch {@code <robotDir>/kill-switch}. */
  public static SafeStateRules defaults(Path robotDir) {
    return new SafeStateRules(true, true, DEFAULT_MIN_BATTERY_PERCENT, null, robotDir.resolve(DEFAULT_KILL_SWITCH));
  }

  /** {@code kill switch on (<file>)} while the kill switch file exists. */
  public Optional<String> killSwitchOn() {
    return killSwitchOn(killSwitchFile);
  }

  static Optional<String> killSwitchOn(Path killSwitchFile) {
    if (killSwitchFile != null && Files.exists(killSwitchFile)) {
      return Optional.of("kill switch on (" + killSwitchFile + ")");
    }
    return Optional.empty();
  }
}
