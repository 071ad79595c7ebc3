package io.otaflow.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A new, empty database for one test (see {@link TestDatabases}): an H2 file under a temporary directory, or a schema
 * of its own in PostgreSQL. Created on first use; closing closes its pool and deletes it.
 */
final class TestDatabase implements ExtensionContext.Store.CloseableResource {

  enum Kind { H2, POSTGRESQL }

  private final Kind kind;
  private final String pgUrl;
  private String url;
  private Path h2Dir;
  private String pgSchema;
  private FleetDatabase opened;

  TestDatabase(Kind kind, String pgUrl) {
    this.kind = kind;
    this.pgUrl = pgUrl;
  }

  Kind kind() {
    return kind;
  }

  /** The JDBC URL of the database (user and password in it, if any), created empty on the first call. */
  String url() {
    if (url != null) {
      return url;
    }
    try {
      if (kind == Kind.H2) {
        h2Dir = Files.createTempDirectory("otaflow-registry-test");
        url = FleetDatabase.h2FileUrl(h2Dir);
      } else {
        pgSchema = "otaflow_test_" + UUID.randomUUID().toString().replace("-", "");
        executeOnPostgres("CREATE SCHEMA " + pgSchema);
        url = pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + pgSchema;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return url;
  }

  /** The registry on this database, migrated, through the pool the control plane would use. */
  Jdbi jdbi() {
    if (opened == null) {
      opened = FleetDatabase.connect(url(), null, null, FleetDatabase.DEFAULT_MAX_POOL_SIZE);
    }
    return opened.jdbi();
  }

  @Override
  public void close() throws IOException {
    if (opened != null) {
      opened.close();
    }
    if (pgSchema != null) {
      executeOnPostgres("DROP SCHEMA " + pgSchema + " CASCADE");
    }
    if (h2Dir != null) {
      try (Stream<Path> files = Files.walk(h2Dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  private void executeOnPostgres(String sql) {
    try (Connection c = DriverManager.getConnection(pgUrl); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " on " + pgUrl + ": " + e.getMessage(), e);
    }
  }
}
