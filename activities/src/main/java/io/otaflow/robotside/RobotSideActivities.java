package io.otaflow.robotside;

import java.net.http.HttpClient;

/** Everything a robot's worker registers, so the worker needs one call. */
public final class RobotSideActivities {

  private RobotSideActivities() {
  }

  /** Download, slot and health activities for one robot, in that order. */
  public static Object[] forRobot(RobotDisk disk, HttpClient http, HealthThresholds thresholds) {
    return new Object[] {
        new HttpDownloadActivities(disk, http),
        new DiskSlotActivities(disk),
        new SensorHealthActivities(disk, thresholds)
    };
  }
}
