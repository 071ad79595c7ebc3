package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.afterOrStart;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.statement.Query;

/**
 * The robots carrying every wanted label and, when a version is given, running it, as the FROM and WHERE clauses of a
 * query over {@code robots r} ordered by robot ID. Each wanted label is one join on {@code robot_labels}'s primary key
 * (robot, label name), so a robot matches at most one row per label and never repeats; the database can drive the
 * page from the (name, value, robot) index of the rarest label.
 */
final class RobotFilter {

  private final List<Map.Entry<String, String>> labels;
  private final String installedVersion;

  /** @param installedVersion null for any version */
  RobotFilter(Map<String, String> labels, String installedVersion) {
    // Sorted, so the same labels always make the same SQL text (one prepared statement).
    this.labels = List.copyOf(new TreeMap<>(labels).entrySet());
    this.installedVersion = installedVersion;
  }

  /** {@code FROM ... WHERE ...}: the robots that match, with IDs after {@code :after}. */
  String fromWhere() {
    StringBuilder sql = new StringBuilder(" FROM robots r");
    for (int i = 0; i < labels.size(); i++) {
      sql.append(String.format(" JOIN robot_labels l%1$d ON l%1$d.robot_id = r.robot_id"
          + " AND l%1$d.label_name = :labelName%1$d AND l%1$d.label_value = :labelValue%1$d", i));
    }
    sql.append(" WHERE r.robot_id > :after");
    if (installedVersion != null) {
      sql.append(" AND r.installed_version = :version");
    }
    return sql.toString();
  }

  /** Binds what {@link #fromWhere()} names; {@code afterRobotId} null for the first robot on. */
  Query bind(Query query, String afterRobotId) {
    for (int i = 0; i < labels.size(); i++) {
      query.bind("labelName" + i, labels.get(i).getKey()).bind("labelValue" + i, labels.get(i).getValue());
    }
    if (installedVersion != null) {
      query.bind("version", installedVersion);
    }
    return query.bind("after", afterOrStart(afterRobotId));
  }
}
