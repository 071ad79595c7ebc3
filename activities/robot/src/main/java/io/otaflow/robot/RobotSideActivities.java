package io.otaflow.robot;

import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.robot.sensors.SensorSources;
import io.otaflow.signing.ManifestVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * How one robot's side is set up, and every activity its worker registers built from it: the keys its verify trusts,
 * what apply does around the switch, the health thresholds and extra probes, the safe-state rules, where its sensor
 * readings come from, and, for a robot whose software runs as a container, its app (null: releases are archives
 * unpacked into slots). The agent builds it from agent.yaml; a simulated robot takes the defaults, with its fleet's
 * key and its labels.
 */
public record RobotSideActivities(ReleaseManifestCheck manifestCheck, ApplyHooks hooks, HealthThresholds thresholds,
                                  List<HealthProbe> probes, SafeStateRules safeState, SensorSources sensors,
                                  ContainerApp containerApp) {

  public RobotSideActivities {
    probes = List.copyOf(probes);
  }

  /**
   * A robot as it leaves the factory: no trusted keys, no hooks, default thresholds and safe-state rules, readings
   * from {@code <robotDir>/sensors.json}.
   */
  public static RobotSideActivities defaults(Path robotDir) {
    return new RobotSideActivities(ReleaseManifestCheck.noTrustedKeys(), ApplyHooks.defaults(robotDir),
        HealthThresholds.defaults(), List.of(), SafeStateRules.defaults(robotDir),
        new SensorSources(List.of(RobotSensors.source(robotDir)), null), null);
  }

  /** The same robot, refusing releases not signed by one of {@code trustedKeys}. */
  public RobotSideActivities trusting(ManifestVerifier trustedKeys) {
    return new RobotSideActivities(manifestCheck.trusting(trustedKeys), hooks, thresholds, probes, safeState,
        sensors, containerApp);
  }

  /** The same robot carrying {@code labels}: it refuses a signed release whose target labels it does not match. */
  public RobotSideActivities labelled(Map<String, String> labels) {
    return new RobotSideActivities(manifestCheck.forRobotLabelled(labels), hooks, thresholds, probes, safeState,
        sensors, containerApp);
  }

  /** The same robot, running {@code hooks} around its switches of {@code current}. */
  public RobotSideActivities withHooks(ApplyHooks hooks) {
    return new RobotSideActivities(manifestCheck, hooks, thresholds, probes, safeState, sensors, containerApp);
  }

  /** The same robot, its software the container {@code app}: its releases are images of it. */
  public RobotSideActivities withContainerApp(ContainerApp app) {
    return new RobotSideActivities(manifestCheck, hooks, thresholds, probes, safeState, sensors, app);
  }

  /**
   * Download, slot, health and safety activities for the robot on {@code disk}: the container app's image installer
   * for download and slots when it has one, the disk's slots otherwise.
   */
  public Object[] forRobot(RobotDisk disk, MeterRegistry meters) {
    SafeStateActivities safety = new SafeStateActivities(disk, sensors, safeState, Clock.systemDefaultZone());
    if (containerApp != null) {
      ContainerEngine engine = new ContainerEngine(containerApp.engine());
      SensorHealthActivities health = new SensorHealthActivities(disk, sensors, thresholds, probes,
          RunningVersion.ofApp(disk, containerApp, engine), meters);
      return new Object[] {
          new ContainerImageActivities(disk, containerApp, engine, manifestCheck, hooks, health::checkRunning, meters),
          health,
          safety
      };
    }
    SensorHealthActivities health = new SensorHealthActivities(disk, sensors, thresholds, probes, meters);
    return new Object[] {
        new HttpDownloadActivities(disk, HttpDownloadActivities.FreeSpace.FILE_STORE, meters,
            HttpDownloadActivities.Limits.DEFAULTS, manifestCheck),
        new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, meters, hooks, health::checkRunning),
        health,
        safety
    };
  }
}
