package io.otaflow.registry;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the fleet registry database: migrates the schema with Flyway, then hands back a {@link Jdbi}. */
public final class FleetDatabase {

  private static final Logger log = LoggerFactory.getLogger(FleetDatabase.class);

  /** Connections kept by the built-in H2 pool; local activities run on many threads at once. */
  private static final int H2_MAX_CONNECTIONS = 32;

  private FleetDatabase() {
  }

  /**
   * Opens the database at {@code jdbcUrl}. H2 URLs get a small connection pool (so the embedded database stays open
   * between calls); other URLs open a connection per handle: pass a pooled {@link DataSource} to
   * {@link #open(DataSource)} instead when that matters.
   */
  public static Jdbi open(String jdbcUrl, String user, String password) {
    // Null credentials mean "none given" (or given in the URL); the drivers and Flyway want empty strings.
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, user, password);
      pool.setMaxConnections(H2_MAX_CONNECTIONS);
      return open(pool);
    }
    Flyway.configure().dataSource(jdbcUrl, user, password).load().migrate();
    log.info("fleet registry ready at {}", jdbcUrl);
    return Jdbi.create(jdbcUrl, user, password);
  }

  /** Migrates the schema (a no-op when it is current) and wraps the data source. */
  public static Jdbi open(DataSource dataSource) {
    var result = Flyway.configure().dataSource(dataSource).load().migrate();
    log.info("fleet registry schema migrated: {} migration(s) applied", result.migrationsExecuted);
    return Jdbi.create(dataSource);
  }

  /**
   * An embedded H2 file database under {@code dataDir}. LOCK_TIMEOUT lets concurrent writers wait for a row lock
   * instead of failing after H2's default second. WRITE_DELAY=0 writes each commit to the file before the commit
   * returns: with H2's default (500 ms) a {@code kill -9} lost the last commits, and a registry write whose local
   * activity Temporal had already recorded was never made again.
   */
  public static String h2FileUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("otaflow")
        + ";AUTO_SERVER=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
  }
}
