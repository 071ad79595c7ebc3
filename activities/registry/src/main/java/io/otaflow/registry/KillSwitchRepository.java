package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.timestamp;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tables {@code kill_switch} (its one row: where it stands) and {@code kill_switch_changes} (every switch). */
public class KillSwitchRepository {

  private static final Logger log = LoggerFactory.getLogger(KillSwitchRepository.class);
  private static final String ON = "ON";
  private static final String OFF = "OFF";

  private final Jdbi jdbi;
  private final Clock clock;

  public KillSwitchRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  public KillSwitchRecord state() {
    return jdbi.withHandle(KillSwitchRepository::state);
  }

  /**
   * Sets the switch on or off and logs the change, in one transaction. Setting it where it already is changes nothing:
   * who set it, why and since when stay those of the change that put it there.
   *
   * @return the switch as it is now
   */
  public KillSwitchRecord set(boolean on, String operator, String reason) {
    Instant now = RegistryJdbc.now(clock);
    String state = on ? ON : OFF;
    return jdbi.inTransaction(h -> {
      // Conditional, so of two people switching at once one changes it and the other finds it done.
      int changed = h.createUpdate("UPDATE kill_switch SET state = :state, switched_by = :by, reason = :reason,"
              + " since = :now WHERE id = 1 AND state <> :state")
          .bind("state", state).bind("by", operator).bind("reason", reason).bind("now", timestamp(now)).execute();
      if (changed == 1) {
        h.createUpdate("INSERT INTO kill_switch_changes (state, switched_by, reason, since)"
                + " VALUES (:state, :by, :reason, :now)")
            .bind("state", state).bind("by", operator).bind("reason", reason).bind("now", timestamp(now)).execute();
        log.debug("kill switch {} by {}: {}", state, operator, reason);
      }
      return state(h);
    });
  }

  /** Every change, newest first. */
  public List<KillSwitchRecord> history() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM kill_switch_changes ORDER BY id DESC")
        .map((rs, ctx) -> row(rs)).list());
  }

  private static KillSwitchRecord state(Handle h) {
    return h.createQuery("SELECT * FROM kill_switch WHERE id = 1").map((rs, ctx) -> row(rs)).one();
  }

  private static KillSwitchRecord row(ResultSet rs) throws SQLException {
    return new KillSwitchRecord(ON.equals(rs.getString("state")), rs.getString("switched_by"), rs.getString("reason"),
        instant(rs, "since"));
  }
}
