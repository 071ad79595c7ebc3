package io.otaflow.cli.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * Where the control plane keeps its registry during the suite: H2 under the run directory, as {@code otaflow server}
 * does by default; or, when {@code OTAFLOW_TEST_PG_URL} names a PostgreSQL database (user and password in the URL,
 * as for the registry's own PostgreSQL tests), a schema of its own there, dropped afterwards.
 */
final class ChaosRegistry implements AutoCloseable {

  static final String POSTGRES_VARIABLE = "OTAFLOW_TEST_PG_URL";

  private final String base;
  private final String schema;

  private ChaosRegistry(String base, String schema) {
    this.base = base;
    this.schema = schema;
  }

  static ChaosRegistry fromEnvironment() throws SQLException {
    String base = System.getenv(POSTGRES_VARIABLE);
    if (base == null || base.isBlank()) {
      return new ChaosRegistry(null, null);
    }
    ChaosRegistry registry = new ChaosRegistry(base, "otaflow_chaos_" + UUID.randomUUID().toString().replace("-", ""));
    registry.execute("CREATE SCHEMA " + registry.schema);
    return registry;
  }

  /** What {@code otaflow server} is told beyond its data directory. */
  List<String> serverArgs() {
    return base == null ? List.of()
        : List.of("--database-url", base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
  }

  @Override
  public String toString() {
    return base == null ? "H2 (the default)" : "PostgreSQL schema " + schema + " (" + POSTGRES_VARIABLE + ")";
  }

  @Override
  public void close() throws SQLException {
    if (base != null) {
      execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(base); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
