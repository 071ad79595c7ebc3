package io.otaflow.registry;

import java.time.Instant;

/**
 * An API token as stored: never the token, only its public ID and the hash of its secret.
 *
 * @param robotId   the robot a {@link UserRole#ROBOT} token reports for; null for people's tokens
 * @param revokedAt null while it was never revoked
 */
public record ApiTokenRecord(String tokenId, String user, UserRole role, String robotId, String secretHash,
                             String createdBy, Instant createdAt, Instant expiresAt, Instant revokedAt) {
}
