package io.otaflow.robotside;

import io.micrometer.core.instrument.Metrics;
import io.otaflow.signing.ManifestVerifier;
import java.net.http.HttpClient;
import java.time.Clock;

/** Everything a robot's worker registers, so the worker needs one call. */
public final class RobotSideActivities {

  private RobotSideActivities() {
  }

  /**
   * As {@link #forRobot(RobotDisk, HttpClient, HealthThresholds)}, for a robot that trusts {@code trustedKeys}: its
   * {@code verify} refuses releases not signed by one of them (see {@link ReleaseManifestCheck}).
   */
  public static Object[] forRobot(RobotDisk disk, HttpClient http, HealthThresholds thresholds,
                                  ManifestVerifier trustedKeys) {
    Object[] activities = forRobot(disk, http, thresholds);
    activities[0] = new HttpDownloadActivities(disk, http, new ReleaseManifestCheck(trustedKeys)); // download first
    return activities;
  }

  /** Download, slot, health and safety activities for one robot, in that order; default safe-state rules. */
  public static Object[] forRobot(RobotDisk disk, HttpClient http, HealthThresholds thresholds) {
    return new Object[] {
        new HttpDownloadActivities(disk, http),
        new DiskSlotActivities(disk),
        new SensorHealthActivities(disk, thresholds),
        new SafeStateActivities(disk)
    };
  }

  /**
   * The same four, configured by the agent's {@code agent.yaml}: trusted release-signing keys, safe-state rules,
   * apply hooks and kill switch, health thresholds and extra probes. {@code config} is validated here, so a bad field fails the agent at start.
   */
  public static Object[] forRobot(RobotDisk disk, HttpClient http, AgentConfig config) {
    config.validate();
    return new Object[] {
        new HttpDownloadActivities(disk, http, ReleaseManifestCheck.fromTrustedKeysDir(config.trustedKeysDirPath())),
        new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, Metrics.globalRegistry,
            config.applyHooks()),
        new SensorHealthActivities(disk, config.healthThresholds(), config.probes(), Metrics.globalRegistry),
        new SafeStateActivities(disk, config.safeStateRules(), Clock.systemDefaultZone())
    };
  }
}
