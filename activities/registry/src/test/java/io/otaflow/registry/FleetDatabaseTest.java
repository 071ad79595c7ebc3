package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetDatabaseTest {

  @Test
  void migrationsCreateTheSchema() {
    Jdbi jdbi = RegistryFixtures.memoryDb();

    var tables = jdbi.withHandle(h -> h.createQuery("SELECT LOWER(table_name) FROM information_schema.tables"
        + " WHERE LOWER(table_schema) = 'public'").mapTo(String.class).list());
    assertThat(tables).contains("robots", "releases", "rollouts", "rollout_robots", "rollout_events");
    assertThat(appliedMigrations(jdbi)).startsWith("1", "2").doesNotHaveDuplicates();
  }

  @Test
  void fileDatabaseKeepsDataAndMigratesOnce(@TempDir Path dataDir) throws SQLException {
    String url = FleetDatabase.h2FileUrl(dataDir);
    assertThat(url).startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath());

    Jdbi first = FleetDatabase.open(url, "sa", "");
    RegistryFixtures.repositories(first).robots().registerRobot("r1", Map.of("site", "berlin"), "1.0.0", null);
    RegistryFixtures.repositories(first).releases().registerRelease(RegistryFixtures.release("1.1.0"));
    shutdown(url); // close the file for real, as a process exit would

    assertThat(dataDir.resolve("otaflow.mv.db")).exists();
    Jdbi second = FleetDatabase.open(url, "sa", "");
    RegistryFixtures.Repositories registry = RegistryFixtures.repositories(second);
    assertThat(registry.robots().robot("r1")).get()
        .satisfies(r -> assertThat(r.labels()).containsExactly(Map.entry("site", "berlin")));
    assertThat(registry.releases().release("1.1.0")).contains(RegistryFixtures.release("1.1.0"));
    assertThat(appliedMigrations(second)).startsWith("1", "2").doesNotHaveDuplicates();
    shutdown(url);
  }

  /** Versioned migrations Flyway applied (its history may hold other bookkeeping rows). */
  private static List<String> appliedMigrations(Jdbi jdbi) {
    return jdbi.withHandle(h -> h.createQuery("SELECT \"version\" FROM \"flyway_schema_history\""
        + " WHERE \"version\" IS NOT NULL AND \"success\" = TRUE ORDER BY \"installed_rank\"")
        .mapTo(String.class).list());
  }

  private static void shutdown(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
  }
}
