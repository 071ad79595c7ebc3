package io.otaflow.controlplane.api;

import io.otaflow.registry.RobotVersionHistory;
import java.util.List;

/**
 * {@code GET /api/v1/robots/{id}}: the robot as listed, its latest rollouts (newest first), and every change of its
 * installed version, oldest first: rollouts' commits and rollbacks, and releases installed offline from bundles.
 */
public record RobotDetailView(RobotView robot, List<RobotRolloutView> lastRollouts,
                              List<RobotVersionHistory.Change> versionHistory) {
}
