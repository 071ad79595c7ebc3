package io.otaflow.robot;

import io.otaflow.release.Release;
import io.otaflow.robotupdate.SafeStateAnswer;
import io.otaflow.robotupdate.SafetyActivities;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robot's answer to "may I update you now?", from its kill switch, its sensors.json and the clock. The first rule
 * that fails is the reason; a robot with default rules and default sensors is safe.
 */
public class SafeStateActivities implements SafetyActivities {

  private static final Logger log = LoggerFactory.getLogger(SafeStateActivities.class);

  private final RobotDisk disk;
  private final SafeStateRules rules;
  private final Clock clock;

  public SafeStateActivities(RobotDisk disk, SafeStateRules rules, Clock clock) {
    this.disk = disk;
    this.rules = rules;
    this.clock = clock;
  }

  @Override
  public SafeStateAnswer checkSafeState(Release release) {
    Optional<String> reason = notSafeBecause();
    if (reason.isPresent()) {
      log.info("robot {}: not now for {}: {}", disk.dir(), release == null ? "?" : release.version(), reason.get());
      return SafeStateAnswer.notNow(reason.get());
    }
    return SafeStateAnswer.safeNow();
  }

  /** Why the robot may not be updated now, or empty when it may. */
  public Optional<String> notSafeBecause() {
    Optional<String> killSwitch = rules.killSwitchOn();
    if (killSwitch.isPresent()) {
      return killSwitch;
    }
    RobotSensors sensors = RobotSensors.read(disk.dir());
    if (rules.requireIdle() && sensors.missionActive()) {
      return Optional.of("mission running");
    }
    if (rules.requireDockedOrCharging() && !sensors.docked() && !sensors.charging()) {
      return Optional.of("not docked and not charging");
    }
    if (sensors.batteryPercent() < rules.minBatteryPercent()) {
      return Optional.of(String.format(Locale.ROOT, "battery %.0f%% < %.0f%%",
          sensors.batteryPercent(), rules.minBatteryPercent()));
    }
    MaintenanceWindow window = rules.maintenanceWindow();
    if (window != null && !window.contains(clock.instant())) {
      return Optional.of("outside maintenance window " + window);
    }
    return Optional.empty();
  }
}
