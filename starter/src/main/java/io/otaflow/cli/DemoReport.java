package io.otaflow.cli;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import java.util.List;

/** What the demo did, as printed by {@code otaflow demo --json}. */
record DemoReport(List<RolloutReport> rollouts) {

  /**
   * @param reason null when the rollout SUCCEEDED
   */
  record RolloutReport(String id, String release, RolloutStatus status, String reason, List<RobotReport> robots) {
  }

  /**
   * @param outcome          the robot's state in that rollout, from the registry
   * @param installedVersion read back from the robot's disk ({@code current/VERSION}) after the rollout
   */
  record RobotReport(String id, RobotUpdateState outcome, String installedVersion) {
  }
}
