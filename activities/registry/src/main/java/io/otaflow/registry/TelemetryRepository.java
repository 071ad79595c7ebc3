package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.timestamp;

import io.otaflow.fleet.RobotTelemetry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;

/**
 * Table {@code robot_telemetry}: the latest report of each robot. A report also marks the robot seen and refreshes its
 * installed version.
 */
public class TelemetryRepository {

  /** Rows per statement: 7 parameters each stays far below PostgreSQL's 32,767 bound parameters. */
  static final int ROWS_PER_STATEMENT = 500;
  private static final String COLUMNS = "robot_id, battery_percent, temperature_c, installed_version, sent_at,"
      + " update_step, agent_version";
  /** Typed, so that PostgreSQL knows the VALUES list's column types as H2 does. */
  private static final String ROW = "(CAST(:robot%1$d AS VARCHAR(200)), CAST(:battery%1$d AS DOUBLE PRECISION),"
      + " CAST(:temp%1$d AS DOUBLE PRECISION), CAST(:version%1$d AS VARCHAR(100)),"
      + " CAST(:sent%1$d AS TIMESTAMP WITH TIME ZONE), CAST(:step%1$d AS VARCHAR(32)),"
      + " CAST(:agent%1$d AS VARCHAR(100)))";

  private final Jdbi jdbi;
  private final Clock clock;

  public TelemetryRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Stores the reports, at most one per robot (the caller keeps the newest), in one transaction of a few multi-row
   * MERGE statements (standard SQL, on H2 and PostgreSQL 15+) rather than a transaction per report. Reports of robots
   * the registry does not know are not stored (a robot must register first).
   *
   * @return the robots of {@code reports} that are not registered
   */
  public Set<String> recordAll(Collection<RobotTelemetry> reports) {
    if (reports.isEmpty()) {
      return Set.of();
    }
    Instant now = RegistryJdbc.now(clock);
    List<RobotTelemetry> rows = List.copyOf(reports);
    return jdbi.inTransaction(h -> {
      Set<String> known = new HashSet<>();
      for (int from = 0; from < rows.size(); from += ROWS_PER_STATEMENT) {
        List<RobotTelemetry> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_STATEMENT));
        known.addAll(knownRobots(h, chunk));
        merge(h, chunk, now);
      }
      return rows.stream().map(RobotTelemetry::robotId).filter(robot -> !known.contains(robot))
          .collect(Collectors.toUnmodifiableSet());
    });
  }

  private static List<String> knownRobots(Handle h, List<RobotTelemetry> chunk) {
    return h.createQuery("SELECT robot_id FROM robots WHERE robot_id IN (<robots>)")
        .bindList("robots", chunk.stream().map(RobotTelemetry::robotId).toList()).mapTo(String.class).list();
  }

  /**
   * Upserts the chunk's telemetry rows and refreshes its robots' last-seen time, registered ones only (the join with
   * robots). What a report says is installed is kept with the report.
   */
  private static void merge(Handle h, List<RobotTelemetry> chunk, Instant now) {
    List<String> values = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      values.add(String.format(ROW, i));
    }
    String source = "(SELECT v.* FROM (VALUES " + String.join(", ", values) + ") AS v(" + COLUMNS + ")"
        + " JOIN robots r ON r.robot_id = v.robot_id) AS s";
    bindAll(h.createUpdate("MERGE INTO robot_telemetry t USING " + source + " ON t.robot_id = s.robot_id"
        + " WHEN MATCHED THEN UPDATE SET battery_percent = s.battery_percent, temperature_c = s.temperature_c,"
        + " installed_version = s.installed_version, sent_at = s.sent_at, update_step = s.update_step,"
        + " agent_version = s.agent_version, received_at = :now"
        + " WHEN NOT MATCHED THEN INSERT (" + COLUMNS + ", received_at) VALUES (s.robot_id, s.battery_percent,"
        + " s.temperature_c, s.installed_version, s.sent_at, s.update_step, s.agent_version, :now)"), chunk, now)
        .execute();
    // The robot's installed version stays the registry's (registration, rollouts, offline installs): a sample taken
    // before a rollout's switch and sent after it would undo what the rollout recorded, and its rollback would then
    // pass the robot over as moved on, leaving it on the release while the rollout reported ROLLED_BACK.
    bindAll(h.createUpdate("MERGE INTO robots t USING " + source + " ON t.robot_id = s.robot_id"
        + " WHEN MATCHED THEN UPDATE SET last_seen_at = :now"), chunk, now).execute();
  }

  private static Update bindAll(Update update, List<RobotTelemetry> chunk, Instant now) {
    for (int i = 0; i < chunk.size(); i++) {
      RobotTelemetry report = chunk.get(i);
      update.bind("robot" + i, report.robotId()).bind("battery" + i, report.batteryPercent())
          .bind("temp" + i, report.temperatureC()).bind("version" + i, report.installedVersion())
          .bind("sent" + i, timestamp(Instant.ofEpochMilli(report.sentAtEpochMillis())))
          .bind("step" + i, report.updateStep()).bind("agent" + i, report.agentVersion());
    }
    return update.bind("now", timestamp(now));
  }

  public Optional<RobotTelemetry> latest(String robotId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM robot_telemetry WHERE robot_id = :robot")
        .bind("robot", robotId).map((rs, ctx) -> telemetryRow(rs)).findOne());
  }

  /**
   * The latest report of each of {@code robotIds} that sent one, by robot ID, in one query: the telemetry of a page of
   * robots, not of a whole fleet (the IDs are bound one parameter each).
   */
  public Map<String, RobotTelemetry> latest(Collection<String> robotIds) {
    if (robotIds.isEmpty()) {
      return Map.of();
    }
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM robot_telemetry"
            + " WHERE robot_id IN (<robots>)")
        .bindList("robots", List.copyOf(robotIds)).map((rs, ctx) -> telemetryRow(rs))
        .collect(Collectors.toMap(RobotTelemetry::robotId, telemetry -> telemetry)));
  }

  private static RobotTelemetry telemetryRow(ResultSet rs) throws SQLException {
    return new RobotTelemetry(rs.getString("robot_id"), rs.getDouble("battery_percent"),
        rs.getDouble("temperature_c"), rs.getString("installed_version"),
        RegistryJdbc.instant(rs, "sent_at").toEpochMilli(), rs.getString("update_step"),
        rs.getString("agent_version"));
  }
}
