package io.otaflow.fleet;

/**
 * What a robot reports about itself on a fixed interval.
 *
 * @param installedVersion the release on the robot's disk, null when it has none
 * @param sentAtEpochMillis the robot's clock when it sent the report
 */
public record RobotTelemetry(String robotId, double batteryPercent, double temperatureC, String installedVersion,
                             long sentAtEpochMillis) {
}
