package io.otaflow.controlplane.api;

import io.otaflow.registry.RobotVersionHistory;
import java.util.List;

/**
 * {@code GET /api/v1/robots/{id}}: the robot as listed, its latest rollouts (newest first), and the changes of its
 * installed version the rollouts did not make: releases installed offline from bundles (oldest first).
 */
public record RobotDetailView(RobotView robot, List<RobotRolloutView> lastRollouts,
                              List<RobotVersionHistory.Change> versionHistory) {
}
