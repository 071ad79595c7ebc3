package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.timestamp;

import io.otaflow.fleet.RobotTelemetry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;

/**
 * Table {@code robot_telemetry}: the latest report of each robot. A report also marks the robot seen and refreshes its
 * installed version.
 */
public class TelemetryRepository {

  private static final String COLUMNS = "robot_id, battery_percent, temperature_c, installed_version, sent_at";

  private final Jdbi jdbi;
  private final Clock clock;

  public TelemetryRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Stores the report; reports from a robot the registry does not know are refused (it must register first). */
  public void record(RobotTelemetry report) {
    Instant now = RegistryJdbc.now(clock);
    jdbi.useTransaction(h -> {
      if (!RobotRepository.recordInstalledVersion(h, report.robotId(), report.installedVersion(), now)) {
        throw new UnknownRobotException(List.of(report.robotId()));
      }
      int updated = h.createUpdate("UPDATE robot_telemetry SET battery_percent = :battery, temperature_c = :temp,"
              + " installed_version = :version, sent_at = :sent, received_at = :now WHERE robot_id = :robot")
          .bindMap(values(report)).bind("sent", sentAt(report)).bind("now", timestamp(now)).execute();
      if (updated == 0) {
        h.createUpdate("INSERT INTO robot_telemetry (robot_id, battery_percent, temperature_c, installed_version,"
                + " sent_at, received_at) VALUES (:robot, :battery, :temp, :version, :sent, :now)")
            .bindMap(values(report)).bind("sent", sentAt(report)).bind("now", timestamp(now)).execute();
      }
    });
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
        RegistryJdbc.instant(rs, "sent_at").toEpochMilli());
  }

  private static Map<String, Object> values(RobotTelemetry report) {
    Map<String, Object> values = new HashMap<>();
    values.put("robot", report.robotId());
    values.put("battery", report.batteryPercent());
    values.put("temp", report.temperatureC());
    values.put("version", report.installedVersion());
    return values;
  }

  private static Argument sentAt(RobotTelemetry report) {
    return timestamp(Instant.ofEpochMilli(report.sentAtEpochMillis()));
  }
}
