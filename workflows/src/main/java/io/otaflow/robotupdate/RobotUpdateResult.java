package io.otaflow.robotupdate;

import io.otaflow.domain.RobotUpdateState;

/**
 * How one robot's update ended.
 *
 * @param outcome          a final {@link RobotUpdateState}
 * @param reason           null for COMMITTED, otherwise the step and cause, like {@code verify: sha256 mismatch}
 * @param installedVersion version active on the robot at the end, when known
 */
public record RobotUpdateResult(String robotId, RobotUpdateState outcome, String reason, String installedVersion) {
}
