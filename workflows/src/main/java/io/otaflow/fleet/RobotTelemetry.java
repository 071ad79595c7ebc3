package io.otaflow.fleet;

/**
 * What a robot reports about itself: its latest sample, sent to {@code POST /api/v1/telemetry} (and, from agents
 * older than that endpoint, signalled to {@link RobotTelemetryWorkflow}).
 *
 * @param installedVersion the release on the robot's disk, null when it has none
 * @param sentAtEpochMillis the robot's clock when it took the sample
 * @param updateStep the update step the agent runs (download, verify, apply...), null when idle or not said
 * @param agentVersion the otaflow agent's version, null when not said
 */
public record RobotTelemetry(String robotId, double batteryPercent, double temperatureC, String installedVersion,
                             long sentAtEpochMillis, String updateStep, String agentVersion) {
}
