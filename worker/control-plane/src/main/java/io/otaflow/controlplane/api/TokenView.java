package io.otaflow.controlplane.api;

import io.otaflow.registry.ApiTokenRecord;
import java.time.Instant;

/**
 * A token as the API shows it: never its hash.
 *
 * @param robot the robot a robot token reports for; null for a person's token
 * @param token the token itself, only in the answer that issued it; null everywhere else
 */
public record TokenView(String tokenId, String user, String role, String robot, String createdBy, Instant createdAt,
                        Instant expiresAt, Instant revokedAt, String token) {

  static TokenView of(ApiTokenRecord record, String token) {
    return new TokenView(record.tokenId(), record.user(), record.role().roleName(), record.robotId(),
        record.createdBy(), record.createdAt(), record.expiresAt(), record.revokedAt(), token);
  }
}
