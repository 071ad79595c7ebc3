package io.otaflow.robotupdate;

import io.otaflow.release.Release;
import java.time.Duration;

/**
 * What a rollout asks of one robot.
 *
 * @param robotTimeout how long the robot may take to pick up each step before it is OFFLINE
 * @param healthChecks probes rounds over {@code healthSoak}
 * @param safeStateDeadline how long to keep asking an unsafe robot before it is DEFERRED
 * @param reportsByResult   the robot workflow's result is its report while the rollout run that started it is still
 *                          the rollout's open run (see {@link RolloutReport}); false in requests of rollouts before
 *                          it, whose robots always report by signal
 */
public record RobotUpdateRequest(String rolloutId, String robotId, int stage, Release release, Duration robotTimeout,
                                 int healthChecks, Duration healthSoak, Duration safeStateDeadline,
                                 boolean reportsByResult) {
}
