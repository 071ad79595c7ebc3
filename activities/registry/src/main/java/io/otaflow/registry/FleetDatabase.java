package io.otaflow.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet registry database: its connection pool, migrated by Flyway (the same migrations on H2 and PostgreSQL),
 * and the {@link Jdbi} over it. Closing it closes the pool.
 */
public final class FleetDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FleetDatabase.class);

  /** Connections kept by the built-in H2 pool; local activities run on many threads at once. */
  private static final int H2_MAX_CONNECTIONS = 32;

  /** The PostgreSQL pool's default size ({@code otaflow.database.max-pool-size}). */
  public static final int DEFAULT_MAX_POOL_SIZE = 16;

  /** How long a caller waits for a pooled connection before its registry call fails (and its activity retries). */
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  private final DataSource dataSource;
  private final AutoCloseable pool;
  private final Jdbi jdbi;

  private FleetDatabase(DataSource dataSource, AutoCloseable pool) {
    this.dataSource = dataSource;
    this.pool = pool;
    this.jdbi = open(dataSource);
  }

  /**
   * Connects to the database at {@code jdbcUrl} and migrates it. H2 URLs get H2's own small pool (which keeps the
   * embedded database open between calls); any other URL (PostgreSQL) a HikariCP pool of at most
   * {@code maxPoolSize} connections. Null credentials mean none given (or given in the URL).
   */
  public static FleetDatabase connect(String jdbcUrl, String user, String password, int maxPoolSize) {
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, user == null ? "" : user,
          password == null ? "" : password);
      pool.setMaxConnections(H2_MAX_CONNECTIONS);
      return open(pool, pool::dispose);
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("otaflow-registry");
    config.setJdbcUrl(jdbcUrl);
    // Unset rather than empty, so that a user and password in the URL stand.
    if (user != null && !user.isEmpty()) {
      config.setUsername(user);
    }
    if (password != null && !password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(maxPoolSize);
    config.setMinimumIdle(Math.min(2, maxPoolSize));
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    HikariDataSource pool = new HikariDataSource(config);
    log.info("fleet registry at {}: HikariCP pool of at most {} connections", jdbcUrl.replaceAll("\\?.*", ""),
        maxPoolSize);
    return open(pool, pool::close);
  }

  private static FleetDatabase open(DataSource dataSource, AutoCloseable pool) {
    try {
      return new FleetDatabase(dataSource, pool);
    } catch (RuntimeException migrationFailed) {
      closeQuietly(pool, migrationFailed);
      throw migrationFailed;
    }
  }

  /**
   * {@link #connect} with the default pool size, for callers that keep the database until the JVM exits (tests, the
   * dev stack): its pool is never closed.
   */
  public static Jdbi open(String jdbcUrl, String user, String password) {
    return connect(jdbcUrl, user, password, DEFAULT_MAX_POOL_SIZE).jdbi();
  }

  /** Migrates the schema (a no-op when it is current) and wraps the data source, which stays the caller's. */
  public static Jdbi open(DataSource dataSource) {
    var result = Flyway.configure().dataSource(dataSource).load().migrate();
    log.info("fleet registry schema migrated: {} migration(s) applied", result.migrationsExecuted);
    return Jdbi.create(dataSource);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** The pool: a {@link HikariDataSource} on PostgreSQL, H2's {@link JdbcConnectionPool} on H2. */
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    closeQuietly(pool, null);
  }

  private static void closeQuietly(AutoCloseable pool, Exception cause) {
    try {
      pool.close();
    } catch (Exception e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        log.warn("closing the registry's connection pool failed", e);
      }
    }
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
