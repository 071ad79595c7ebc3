package io.otaflow.controlplane.api;

import io.otaflow.registry.UserRole;
import io.otaflow.domain.InvalidFieldException;
import java.time.Duration;

/**
 * The body of {@code POST /api/v1/tokens}.
 *
 * @param expiresIn how long the token works; null is 90 days
 */
public record TokenRequest(String user, String role, Duration expiresIn) {

  UserRole userRole() {
    try {
      return UserRole.named(RequiredFields.require(role, "role"));
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException("role", e.getMessage());
    }
  }
}
