package db.migration;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Robot labels as rows SQL can filter, and the indexes the fleet's lists page through. A Java migration because the
 * labels of the robots already registered are in the JSON column {@code robots.labels}, which H2 and PostgreSQL cannot
 * read with the same SQL. It keeps its own SQL: a migration must do the same on every database it meets, whatever the
 * application's code becomes.
 */
public class V7__robot_labels extends BaseJavaMigration {

  /**
   * {@code robots.labels} stays as the labels' display copy (see RobotRepository). The columns are {@code label_name}
   * and {@code label_value} because {@code VALUE} is a keyword in H2 2.x.
   */
  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE robot_labels ("
          + " robot_id    VARCHAR(200) NOT NULL REFERENCES robots (robot_id),"
          + " label_name  VARCHAR(200) NOT NULL,"
          + " label_value VARCHAR(500) NOT NULL,"
          + " PRIMARY KEY (robot_id, label_name))",
      // The robots carrying a label, in robot ID order: what a label filter and its keyset page read.
      "CREATE INDEX robot_labels_match ON robot_labels (label_name, label_value, robot_id)",
      // A robot's latest rollouts.
      "CREATE INDEX rollout_robots_robot ON rollout_robots (robot_id, updated_at, rollout_id)",
      // Rollouts and releases newest first, keyset on (time, key); the new rollouts index covers rollouts_created.
      "CREATE INDEX rollouts_newest ON rollouts (created_at, rollout_id)",
      "DROP INDEX rollouts_created",
      "CREATE INDEX releases_newest ON releases (registered_at, version)");

  /** Rows per JDBC batch; keeps driver buffers small for fleets of 100,000. */
  private static final int BATCH_SIZE = 2_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() { };

  @Override
  public void migrate(Context context) throws Exception {
    Connection connection = context.getConnection();
    try (Statement ddl = connection.createStatement()) {
      for (String sql : SCHEMA) {
        ddl.execute(sql);
      }
    }
    copyLabels(connection);
  }

  private static void copyLabels(Connection connection) throws SQLException, IOException {
    try (Statement robots = connection.createStatement();
         PreparedStatement insert = connection.prepareStatement(
             "INSERT INTO robot_labels (robot_id, label_name, label_value) VALUES (?, ?, ?)")) {
      // Within Flyway's transaction PostgreSQL then streams the robots instead of loading them all.
      robots.setFetchSize(BATCH_SIZE);
      int pending = 0;
      try (ResultSet rs = robots.executeQuery("SELECT robot_id, labels FROM robots")) {
        while (rs.next()) {
          for (Map.Entry<String, String> label : JSON.readValue(rs.getString("labels"), LABELS).entrySet()) {
            insert.setString(1, rs.getString("robot_id"));
            insert.setString(2, label.getKey());
            insert.setString(3, label.getValue());
            insert.addBatch();
            if (++pending == BATCH_SIZE) {
              insert.executeBatch();
              pending = 0;
            }
          }
        }
      }
      if (pending > 0) {
        insert.executeBatch();
      }
    }
  }
}
