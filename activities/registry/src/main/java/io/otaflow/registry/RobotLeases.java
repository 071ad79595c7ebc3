package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.timestamp;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Table {@code robot_leases}: which running rollout each robot belongs to. */
public final class RobotLeases {

  /** Rows per JDBC batch; keeps driver buffers small for fleets of 100,000. */
  private static final int BATCH_SIZE = 2_000;

  private final Jdbi jdbi;

  public RobotLeases(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Within {@code h}'s transaction: leases {@code robotIds} to the rollout. Inserted in ID order, so two starts racing
   * for overlapping robots wait for each other instead of deadlocking; the loser fails on the primary key.
   */
  static void take(Handle h, String rolloutId, Collection<String> robotIds, Instant now) {
    PreparedBatch batch = h.prepareBatch(
        "INSERT INTO robot_leases (robot_id, rollout_id, leased_at) VALUES (:robot, :rollout, :now)");
    int pending = 0;
    for (String robotId : robotIds.stream().sorted().toList()) {
      batch.bind("robot", robotId).bind("rollout", rolloutId).bind("now", timestamp(now)).add();
      if (++pending == BATCH_SIZE) {
        batch.execute();
        pending = 0;
      }
    }
    if (pending > 0) {
      batch.execute();
    }
  }

  /** Within {@code h}'s transaction: gives back every lease the rollout holds. */
  static int release(Handle h, String rolloutId) {
    return h.createUpdate("DELETE FROM robot_leases WHERE rollout_id = :rollout").bind("rollout", rolloutId)
        .execute();
  }

  /** How many of {@code robotIds} each other rollout holds, by rollout ID. */
  Map<String, Integer> holders(Set<String> robotIds) {
    Map<String, Integer> holders = new TreeMap<>();
    jdbi.useHandle(h -> h.createQuery("SELECT robot_id, rollout_id FROM robot_leases")
        .map((rs, ctx) -> robotIds.contains(rs.getString("robot_id")) ? rs.getString("rollout_id") : null)
        .forEach(rollout -> {
          if (rollout != null) {
            holders.merge(rollout, 1, Integer::sum);
          }
        }));
    return holders;
  }

  /** Every robot the rollout holds, in ID order. */
  public List<String> leasedRobots(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT robot_id FROM robot_leases WHERE rollout_id = :rollout"
            + " ORDER BY robot_id")
        .bind("rollout", rolloutId).mapTo(String.class).list());
  }
}
