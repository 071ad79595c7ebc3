package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.requirePositive;
import static io.otaflow.registry.RegistryJdbc.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
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

  /** The rollout's {@code limit} newest events, newest first. */
  public List<RolloutEventRecord> newestEvents(String rolloutId, int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_events WHERE rollout_id = :id"
            + " ORDER BY id DESC LIMIT :limit")
        .bind("id", rolloutId).bind("limit", limit).map((rs, ctx) -> eventRow(rs)).list());
  }

  /** The newest event's ID, 0 when there is none: where a reader of {@link #changesAfter} starts. */
  public long latestEventId() {
    return jdbi.withHandle(RolloutEventLog::latestEventId);
  }

  /** {@link #latestEventId()} within {@code h}'s transaction. */
  static long latestEventId(Handle h) {
    return h.createQuery("SELECT COALESCE(MAX(id), 0) FROM rollout_events").mapTo(Long.class).one();
  }

  /** How much a rollout's log grew in a window: its newest event's ID, and how many events it holds there. */
  public record RolloutChange(long newestEventId, long events) {
  }

  /**
   * The rollouts with events after {@code afterEventId}, each with its {@link RolloutChange} there, at most
   * {@code limit} of them (those changed longest ago first): the count tells a reader of overlapping windows that an
   * event committed after a higher ID (concurrent transactions) is new.
   */
  public Map<String, RolloutChange> changesAfter(long afterEventId, int limit) {
    requirePositive(limit);
    Map<String, RolloutChange> changes = new LinkedHashMap<>();
    jdbi.useHandle(h -> h.createQuery("SELECT rollout_id, MAX(id) AS newest, COUNT(*) AS n FROM rollout_events"
            + " WHERE id > :after GROUP BY rollout_id ORDER BY newest LIMIT :limit")
        .bind("after", afterEventId).bind("limit", limit)
        .map((rs, ctx) -> changes.put(rs.getString("rollout_id"), new RolloutChange(rs.getLong("newest"),
            rs.getLong("n"))))
        .forEach(ignored -> { }));
    return changes;
  }

  /** The rollout's newest event's ID if it has events after {@code afterEventId} (its index serves it). */
  public OptionalLong newestEventAfter(String rolloutId, long afterEventId) {
    // IDs start at 1: 0 is none.
    long newest = jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(id), 0) FROM rollout_events"
            + " WHERE rollout_id = :id AND id > :after")
        .bind("id", rolloutId).bind("after", afterEventId).mapTo(Long.class).one());
    return newest == 0 ? OptionalLong.empty() : OptionalLong.of(newest);
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
