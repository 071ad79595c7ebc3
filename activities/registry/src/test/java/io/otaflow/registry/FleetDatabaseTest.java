package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetDatabaseTest {

  @OnEachDatabase
  void migrationsCreateTheSchema(Jdbi jdbi) {
    var tables = jdbi.withHandle(h -> h.createQuery("SELECT LOWER(table_name) FROM information_schema.tables"
        + " WHERE table_schema = CURRENT_SCHEMA").mapTo(String.class).list());
    assertThat(tables).contains("robots", "releases", "rollouts", "rollout_robots", "rollout_events");
    assertThat(appliedMigrations(jdbi)).startsWith("1", "2").doesNotHaveDuplicates();
  }

  @Test
  void h2FileDatabaseKeepsDataAndMigratesOnce(@TempDir Path dataDir) throws SQLException {
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

  /**
   * 32 writers at once through a pool of at most 4 connections (PostgreSQL's HikariCP; H2 keeps its own pool): every
   * robot is stored, the registry borrows its connections from the pool and the pool never grew past its maximum.
   */
  @OnEachDatabase
  void concurrentWritersShareThePool(TestDatabase database) throws Exception {
    int maxPoolSize = 4;
    int writers = 32;
    try (FleetDatabase fleet = FleetDatabase.connect(database.url(), null, null, maxPoolSize)) {
      RobotRepository robots = RegistryFixtures.repositories(fleet.jdbi()).robots();
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(writers);
      try {
        List<Future<?>> registrations = IntStream.range(0, writers).<Future<?>>mapToObj(i -> threads.submit(() -> {
          go.await();
          robots.registerRobot(RegistryFixtures.robotId(i), Map.of("site", "berlin"), "1.0.0", null);
          return null;
        })).toList();
        go.countDown();
        for (Future<?> registration : registrations) {
          registration.get(60, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }

      assertThat(robots.robots(new RobotQuery(Map.of("site", "berlin"), "1.0.0", null, 100))).hasSize(writers);
      if (database.kind() == TestDatabase.Kind.H2) {
        assertThat(fleet.dataSource()).isInstanceOf(JdbcConnectionPool.class);
        return;
      }
      assertThat(fleet.dataSource()).isInstanceOf(HikariDataSource.class);
      HikariDataSource hikari = (HikariDataSource) fleet.dataSource();
      assertThat(hikari.getPoolName()).isEqualTo("otaflow-registry");
      HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
      assertThat(pool.getTotalConnections()).isBetween(1, maxPoolSize);
      int activeInAHandle = fleet.jdbi().withHandle(h -> pool.getActiveConnections());
      assertThat(activeInAHandle).as("a handle's connection is borrowed from the pool").isEqualTo(1);
      assertThat(pool.getActiveConnections()).as("and given back").isZero();
    }
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
