package io.otaflow.registry;

import java.time.Instant;
import java.util.Map;

/** A robot as the fleet registry knows it; {@code agentVersion} is null until an agent registered the robot. */
public record RobotRecord(String robotId, Map<String, String> labels, String installedVersion, Instant registeredAt,
                          Instant lastSeenAt, String agentVersion) {
}
