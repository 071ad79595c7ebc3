package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.requirePositive;
import static io.otaflow.registry.RegistryJdbc.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Table {@code rollout_events}: the append-only audit log of every rollout's state changes. */
public class RolloutEventLog {

  private final Jdbi jdbi;

  public RolloutEventLog(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi);
  }

  /** The rollout's events, oldest first. */
  public List<RolloutEventRecord> events(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_events WHERE rollout_id = :id ORDER BY id")
        .bind("id", rolloutId).map((rs, ctx) -> eventRow(rs)).list());
  }

  /** One page of the rollout's events, oldest first, after the event {@code afterEventId} (0 for the first page). */
  public List<RolloutEventRecord> events(String rolloutId, long afterEventId, int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_events WHERE rollout_id = :id AND id > :after"
            + " ORDER BY id LIMIT :limit")
        .bind("id", rolloutId).bind("after", afterEventId).bind("limit", limit)
        .map((rs, ctx) -> eventRow(rs)).list());
  }

  /** Appends an event within {@code h}'s transaction, so it is logged exactly when the change it records is made. */
  static void append(Handle h, String rolloutId, String robotId, String kind, String status, String stage,
                     String reason, Instant at) {
    h.createUpdate("INSERT INTO rollout_events (rollout_id, robot_id, kind, status, stage, reason, recorded_at)"
            + " VALUES (:rollout, :robot, :kind, :status, :stage, :reason, :at)")
        .bind("rollout", rolloutId).bind("robot", robotId).bind("kind", kind).bind("status", status)
        .bind("stage", stage).bind("reason", reason).bind("at", timestamp(at)).execute();
  }

  private static RolloutEventRecord eventRow(ResultSet rs) throws SQLException {
    return new RolloutEventRecord(rs.getLong("id"), rs.getString("rollout_id"), rs.getString("robot_id"),
        rs.getString("kind"), rs.getString("status"), rs.getString("stage"), rs.getString("reason"),
        instant(rs, "recorded_at"));
  }
}
