package io.otaflow.controlplane.api;

import java.util.List;

/** {@code GET /api/v1/robots/{id}}: the robot as listed, and its latest rollouts, newest first. */
public record RobotDetailView(RobotView robot, List<RobotRolloutView> lastRollouts) {
}
