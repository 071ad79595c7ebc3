package io.otaflow.controlplane.api;

import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.RobotRecord;
import java.time.Instant;
import java.util.Map;

/**
 * A registered robot and its latest telemetry.
 *
 * @param telemetry null until the robot's agent sent a report
 */
public record RobotView(String robotId, Map<String, String> labels, String installedVersion, String agentVersion,
                        Instant registeredAt, Instant lastSeenAt, RobotTelemetry telemetry) {

  static RobotView of(RobotRecord robot, RobotTelemetry telemetry) {
    return new RobotView(robot.robotId(), robot.labels(), robot.installedVersion(), robot.agentVersion(),
        robot.registeredAt(), robot.lastSeenAt(), telemetry);
  }
}
