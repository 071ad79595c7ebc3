package io.otaflow.registry;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The latest telemetry of each robot; a report also marks the robot seen and refreshes its installed version. */
public class RobotTelemetryStore {

  private final Jdbi jdbi;
  private final Clock clock;

  public RobotTelemetryStore(Jdbi jdbi) {
    this(jdbi, Clock.systemUTC());
  }

  public RobotTelemetryStore(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Stores the report; reports from a robot the registry does not know are refused (it must register first). */
  public void record(RobotTelemetry report) {
    Timestamp now = Timestamp.from(clock.instant());
    jdbi.useTransaction(h -> {
      int known = h.createUpdate("UPDATE robots SET last_seen_at = :now,"
              + " installed_version = COALESCE(:version, installed_version) WHERE robot_id = :robot")
          .bind("now", now).bind("version", report.installedVersion()).bind("robot", report.robotId()).execute();
      if (known == 0) {
        throw new UnknownRobotException(List.of(report.robotId()));
      }
      int updated = h.createUpdate("UPDATE robot_telemetry SET battery_percent = :battery, temperature_c = :temp,"
              + " installed_version = :version, sent_at = :sent, received_at = :now WHERE robot_id = :robot")
          .bindMap(values(report, now)).execute();
      if (updated == 0) {
        h.createUpdate("INSERT INTO robot_telemetry (robot_id, battery_percent, temperature_c, installed_version,"
                + " sent_at, received_at) VALUES (:robot, :battery, :temp, :version, :sent, :now)")
            .bindMap(values(report, now)).execute();
      }
    });
  }

  public Optional<RobotTelemetry> latest(String robotId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT robot_id, battery_percent, temperature_c, installed_version,"
            + " sent_at FROM robot_telemetry WHERE robot_id = :robot")
        .bind("robot", robotId)
        .map((rs, ctx) -> new RobotTelemetry(rs.getString("robot_id"), rs.getDouble("battery_percent"),
            rs.getDouble("temperature_c"), rs.getString("installed_version"),
            rs.getTimestamp("sent_at").toInstant().toEpochMilli()))
        .findOne());
  }

  private static Map<String, Object> values(RobotTelemetry report, Timestamp now) {
    Map<String, Object> values = new HashMap<>();
    values.put("robot", report.robotId());
    values.put("battery", report.batteryPercent());
    values.put("temp", report.temperatureC());
    values.put("version", report.installedVersion());
    values.put("sent", Timestamp.from(Instant.ofEpochMilli(report.sentAtEpochMillis())));
    values.put("now", now);
    return values;
  }
}
