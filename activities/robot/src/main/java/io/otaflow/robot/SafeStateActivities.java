package io.otaflow.robot;

import io.otaflow.release.Release;
import io.otaflow.robot.sensors.Quantity;
import io.otaflow.robot.sensors.Reading;
import io.otaflow.robot.sensors.SensorReadings;
import io.otaflow.robot.sensors.SensorSources;
import io.otaflow.robotupdate.SafeStateAnswer;
import io.otaflow.robotupdate.SafetyActivities;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robot's answer to "may I update you now?", from its kill switch, its sensor sources and the clock. The first
 * rule that fails is the reason. A reading a rule needs that is unknown (missing, stale, unparseable) fails it too,
 * naming the source and why: an update waits rather than guess.
 */
public class SafeStateActivities implements SafetyActivities {

  private static final Logger log = LoggerFactory.getLogger(SafeStateActivities.class);

  private final RobotDisk disk;
  private final SensorSources sensors;
  private final SafeStateRules rules;
  private final Clock clock;

  public SafeStateActivities(RobotDisk disk, SensorSources sensors, SafeStateRules rules, Clock clock) {
    this.disk = disk;
    this.sensors = sensors;
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
    SensorReadings readings = sensors.read();
    if (rules.requireIdle()) {
      Reading mission = readings.get(Quantity.MISSION_ACTIVE);
      if (!mission.known()) {
        return Optional.of(mission.whyUnknown());
      }
      if (mission.flag()) {
        return Optional.of("mission running");
      }
    }
    if (rules.requireDockedOrCharging()) {
      Optional<String> notDocked = notDockedOrCharging(readings.get(Quantity.DOCKED), readings.get(Quantity.CHARGING));
      if (notDocked.isPresent()) {
        return notDocked;
      }
    }
    // A minimum of 0 needs no battery reading.
    if (rules.minBatteryPercent() > 0) {
      Reading battery = readings.get(Quantity.BATTERY_PERCENT);
      if (!battery.known()) {
        return Optional.of(battery.whyUnknown());
      }
      if (battery.number() < rules.minBatteryPercent()) {
        return Optional.of(String.format(Locale.ROOT, "battery %.0f%% < %.0f%%",
            battery.number(), rules.minBatteryPercent()));
      }
    }
    MaintenanceWindow window = rules.maintenanceWindow();
    if (window != null && !window.contains(clock.instant())) {
      return Optional.of("outside maintenance window " + window);
    }
    return Optional.empty();
  }

  /** Docked or charging known true is enough; short of that, an unknown one is the reason, not a guessed false. */
  private static Optional<String> notDockedOrCharging(Reading docked, Reading charging) {
    if (docked.isTrue() || charging.isTrue()) {
      return Optional.empty();
    }
    if (!docked.known()) {
      return Optional.of(docked.whyUnknown());
    }
    if (!charging.known()) {
      return Optional.of(charging.whyUnknown());
    }
    return Optional.of("not docked and not charging");
  }
}
