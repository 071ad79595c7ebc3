package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Table {@code audit_events}: appended to and read, never updated or deleted. */
public class AuditLog {

  private final Jdbi jdbi;
  private final Clock clock;

  public AuditLog(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Appends one row, recorded now.
   *
   * @param result {@code null} when the command was accepted, else the refusal's reason
   */
  public void append(String user, UserRole role, String action, String targetKind, String targetId, String reason,
                     String result) {
    Instant now = RegistryJdbc.now(clock);
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO audit_events (user_name, role, action, target_kind, target_id,"
            + " reason, result, accepted, recorded_at)"
            + " VALUES (:user, :role, :action, :kind, :target, :reason, :result, :accepted, :now)")
        .bind("user", user).bind("role", role == null ? null : role.roleName()).bind("action", action)
        .bind("kind", targetKind).bind("target", targetId).bind("reason", reason)
        .bind("result", result == null ? "accepted" : result).bind("accepted", result == null)
        .bind("now", timestamp(now)).execute());
  }

  /** One page, newest first, in one query. */
  public List<AuditRecord> page(AuditQuery query) {
    List<String> where = new ArrayList<>();
    if (query.rolloutId() != null) {
      where.add("target_kind = 'rollout' AND target_id = :rollout");
    }
    if (query.user() != null) {
      where.add("user_name = :user");
    }
    if (query.since() != null) {
      where.add("recorded_at >= :since");
    }
    if (query.before() != null) {
      where.add("id < :before");
    }
    String sql = "SELECT * FROM audit_events" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY id DESC LIMIT :limit";
    return jdbi.withHandle(h -> {
      Query select = h.createQuery(sql).bind("limit", query.limit());
      if (query.rolloutId() != null) {
        select.bind("rollout", query.rolloutId());
      }
      if (query.user() != null) {
        select.bind("user", query.user());
      }
      if (query.since() != null) {
        select.bind("since", timestamp(query.since()));
      }
      if (query.before() != null) {
        select.bind("before", query.before());
      }
      return select.map((rs, ctx) -> row(rs)).list();
    });
  }

  private static AuditRecord row(ResultSet rs) throws SQLException {
    String role = rs.getString("role");
    return new AuditRecord(rs.getLong("id"), rs.getString("user_name"), role == null ? null : UserRole.named(role),
        rs.getString("action"), rs.getString("target_kind"), rs.getString("target_id"), rs.getString("reason"),
        rs.getString("result"), rs.getBoolean("accepted"), instant(rs, "recorded_at"));
  }
}
