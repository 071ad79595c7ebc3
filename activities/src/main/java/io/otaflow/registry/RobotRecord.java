package io.otaflow.registry;

import java.time.Instant;
import java.util.Map;

/** A robot as the fleet registry knows it. */
public record RobotRecord(String robotId, Map<String, String> labels, String installedVersion, Instant registeredAt,
                          Instant lastSeenAt) {
}
