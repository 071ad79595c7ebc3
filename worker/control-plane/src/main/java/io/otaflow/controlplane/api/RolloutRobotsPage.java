package io.otaflow.controlplane.api;

import java.util.List;

/**
 * One page of {@code GET /api/rollouts/{id}/robots}, ordered by robot ID.
 *
 * @param next the {@code after} of the following page; null on the last page
 */
public record RolloutRobotsPage(String rolloutId, List<RolloutRobotView> robots, String next) {
}
