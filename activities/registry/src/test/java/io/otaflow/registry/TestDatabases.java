package io.otaflow.registry;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;

/**
 * The databases a test runs the same SQL on: a new in-memory H2 database, and a new schema on PostgreSQL when
 * OTAFLOW_TEST_PG_URL names a database (user and password in the URL). Closing drops the PostgreSQL schemas.
 */
final class TestDatabases implements AutoCloseable {

  static final String H2 = "H2";
  static final String POSTGRESQL = "PostgreSQL";

  private final List<RegistryFixtures.PostgresSchema> schemas = new ArrayList<>();

  /** For {@code @MethodSource}: H2, and PostgreSQL when OTAFLOW_TEST_PG_URL names a database. */
  static Stream<String> names() {
    String pg = System.getenv("OTAFLOW_TEST_PG_URL");
    return pg != null && pg.startsWith("jdbc:postgresql:") ? Stream.of(H2, POSTGRESQL) : Stream.of(H2);
  }

  /** The JDBC URL of a new, empty database (user and password in it, if any). */
  String newUrl(String database) throws SQLException {
    if (H2.equals(database)) {
      return "jdbc:h2:mem:registry-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    }
    RegistryFixtures.PostgresSchema schema = RegistryFixtures.PostgresSchema.create();
    schemas.add(schema);
    return schema.url();
  }

  /** A new database, migrated. */
  Jdbi open(String database) throws SQLException {
    return FleetDatabase.open(newUrl(database), null, null);
  }

  @Override
  public void close() throws SQLException {
    for (RegistryFixtures.PostgresSchema schema : schemas) {
      schema.close();
    }
  }
}
