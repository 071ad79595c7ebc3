package io.otaflow.controlplane.api;

import io.otaflow.registry.UserRole;
import io.otaflow.domain.InvalidFieldException;
import java.time.Duration;

/**
 * The body of {@code POST /api/v1/tokens}: a person's token (user and role) or a robot's own token (robot alone).
 *
 * @param robot     the robot a robot token reports telemetry for; null for a person's token
 * @param expiresIn how long the token works; null is 90 days
 */
public record TokenRequest(String user, String role, String robot, Duration expiresIn) {

  /** The robot of a robot token, which takes no user or role. */
  String robotAlone() {
    if (user != null || role != null) {
      throw new InvalidFieldException("robot", "a robot token has no user or role: give robot alone");
    }
    return RequiredFields.require(robot, "robot");
  }

  UserRole userRole() {
    try {
      return UserRole.named(RequiredFields.require(role, "role"));
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException("role", e.getMessage());
    }
  }
}
