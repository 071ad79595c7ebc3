package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Table {@code api_tokens}: who may call the REST API, as which role, until when. */
public class ApiTokenRepository {

  private final Jdbi jdbi;
  private final Clock clock;

  public ApiTokenRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Stores a new token's row, created now and usable for {@code validFor}.
   *
   * @param robotId the robot of a {@link UserRole#ROBOT} token, null for a person's
   */
  public ApiTokenRecord create(String tokenId, String user, UserRole role, String robotId, String secretHash,
                               String createdBy, Duration validFor) {
    Instant now = RegistryJdbc.now(clock);
    Instant expiresAt = now.plus(validFor);
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO api_tokens (token_id, user_name, role, robot_id, secret_hash,"
            + " created_by, created_at, expires_at) VALUES (:id, :user, :role, :robot, :hash, :by, :now, :expires)")
        .bind("id", tokenId).bind("user", user).bind("role", role.roleName()).bind("robot", robotId)
        .bind("hash", secretHash)
        .bind("by", createdBy).bind("now", timestamp(now)).bind("expires", timestamp(expiresAt)).execute());
    return new ApiTokenRecord(tokenId, user, role, robotId, secretHash, createdBy, now, expiresAt, null);
  }

  public Optional<ApiTokenRecord> token(String tokenId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE token_id = :id")
        .bind("id", tokenId).map((rs, ctx) -> row(rs)).findOne());
  }

  /** Every token, newest first, revoked and expired ones included. */
  public List<ApiTokenRecord> tokens() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens ORDER BY created_at DESC, token_id")
        .map((rs, ctx) -> row(rs)).list());
  }

  /** Whether a token that can still be used grants {@code role}: the first start makes one when none does. */
  public boolean anyUsable(UserRole role) {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE role = :role"
            + " AND revoked_at IS NULL AND expires_at > :now")
        .bind("role", role.roleName()).bind("now", timestamp(RegistryJdbc.now(clock))).mapTo(Integer.class).one() > 0);
  }

  /**
   * Revokes the token from now on.
   *
   * @return false when it was revoked already (its first revocation time stays)
   * @throws IllegalArgumentException when no such token exists
   */
  public boolean revoke(String tokenId) {
    return jdbi.inTransaction(h -> {
      int revoked = h.createUpdate("UPDATE api_tokens SET revoked_at = :now WHERE token_id = :id"
              + " AND revoked_at IS NULL")
          .bind("id", tokenId).bind("now", timestamp(RegistryJdbc.now(clock))).execute();
      if (revoked == 0 && h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE token_id = :id").bind("id", tokenId)
          .mapTo(Integer.class).one() == 0) {
        throw new UnknownTokenException(tokenId);
      }
      return revoked == 1;
    });
  }

  private static ApiTokenRecord row(ResultSet rs) throws SQLException {
    return new ApiTokenRecord(rs.getString("token_id"), rs.getString("user_name"), UserRole.named(rs.getString("role")),
        rs.getString("robot_id"), rs.getString("secret_hash"), rs.getString("created_by"), instant(rs, "created_at"),
        instant(rs, "expires_at"), instant(rs, "revoked_at"));
  }
}
