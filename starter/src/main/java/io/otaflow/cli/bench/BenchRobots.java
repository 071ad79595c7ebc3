package io.otaflow.cli.bench;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** A fleet that exists only in the registry: robots registered straight into its tables, fast, no agent anywhere. */
final class BenchRobots {

  /** Robots registered per transaction; setting up, not what is measured. */
  private static final int REGISTER_BATCH = 5_000;

  private BenchRobots() {
  }

  /**
   * Robots {@code bench-r000000}... running {@code installedVersion}; those registered already stay as they are.
   * Returns their IDs in order.
   */
  static Set<String> register(Jdbi jdbi, int robots, String installedVersion) {
    Set<String> fleet = new LinkedHashSet<>();
    Timestamp now = Timestamp.from(Instant.now());
    List<String> batch = new ArrayList<>();
    for (int i = 0; i < robots; i++) {
      String robotId = String.format(Locale.ROOT, "bench-r%06d", i);
      fleet.add(robotId);
      batch.add(robotId);
      if (batch.size() == REGISTER_BATCH || i == robots - 1) {
        List<String> page = List.copyOf(batch);
        jdbi.useTransaction(h -> {
          PreparedBatch insert = h.prepareBatch("INSERT INTO robots (robot_id, labels, installed_version,"
              + " registered_at, last_seen_at) SELECT :id, '{}', :version, :now, :now"
              + " WHERE NOT EXISTS (SELECT 1 FROM robots WHERE robot_id = :id)");
          page.forEach(id -> insert.bind("id", id).bind("version", installedVersion).bind("now", now).add());
          insert.execute();
        });
        batch.clear();
      }
    }
    return fleet;
  }
}
