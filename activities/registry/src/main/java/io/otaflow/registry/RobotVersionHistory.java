package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.timestamp;

import io.otaflow.fleet.OfflineInstallReport;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Each robot's installed-version changes (table {@code robot_version_history}): those its rollouts made (commits and
 * rollbacks, stored by {@link RolloutRobotRepository} with the robot's state) and its offline installs, with the audit
 * trail of the latter.
 */
public class RobotVersionHistory {

  public static final String OFFLINE_INSTALL = "OFFLINE_INSTALL";
  /** A rollout's robot workflow committed the release or rolled the robot back ({@code detail}: which rollout, why). */
  public static final String ROLLOUT = "ROLLOUT";
  /** The audit trail's action for a robot's offline install, refused, committed or rolled back. */
  public static final String OFFLINE_INSTALL_ACTION = "robot.offline-install";

  private static final int REASON_CHARS = 1000;

  private final Jdbi jdbi;
  private final Clock clock;

  public RobotVersionHistory(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** A change as stored: versions before and after, where it came from, what became of it, when. */
  public record Change(String robotId, String version, String previousVersion, String source, String outcome,
                       String detail, Instant changedAt) {
  }

  /**
   * Records each install in the audit trail (by user {@code robot:<id>}), and each that changed the installed version
   * in the history, in one transaction; an install recorded before (same robot and time) is skipped.
   */
  public void recordOfflineInstalls(String robotId, List<OfflineInstallReport> installs) {
    Instant now = RegistryJdbc.now(clock);
    jdbi.useTransaction(h -> {
      for (OfflineInstallReport install : installs) {
        String auditReason = describe(install);
        // reason is TEXT (a CLOB in H2, not comparable as such); this action's reasons are at most REASON_CHARS.
        boolean known = h.createQuery("SELECT COUNT(*) FROM audit_events WHERE action = :action"
                + " AND target_kind = 'robot' AND target_id = :robot"
                + " AND CAST(reason AS VARCHAR(" + REASON_CHARS + ")) = :reason")
            .bind("action", OFFLINE_INSTALL_ACTION).bind("robot", robotId).bind("reason", auditReason)
            .mapTo(Long.class).one() > 0;
        if (known) {
          continue;
        }
        h.createUpdate("INSERT INTO audit_events (user_name, role, action, target_kind, target_id, reason, result,"
                + " accepted, recorded_at) VALUES (:user, NULL, :action, 'robot', :robot, :reason, :result, TRUE, :now)")
            .bind("user", "robot:" + robotId).bind("action", OFFLINE_INSTALL_ACTION).bind("robot", robotId)
            .bind("reason", auditReason).bind("result", install.outcome()).bind("now", timestamp(now)).execute();
        if (!Objects.equals(install.previousVersion(), install.installedVersion())) {
          append(h, new Change(robotId, install.installedVersion(), install.previousVersion(), OFFLINE_INSTALL,
              install.outcome(), install.reason(), install.at()), now);
        }
      }
    });
  }

  /** Within {@code h}'s transaction, so that a change is stored exactly when the robot's row changes. */
  static void append(Handle h, Change change, Instant now) {
    h.createUpdate("INSERT INTO robot_version_history (robot_id, version, previous_version, source, outcome,"
            + " detail, changed_at, recorded_at) VALUES (:robot, :version, :previous, :source, :outcome,"
            + " :detail, :changedAt, :now)")
        .bind("robot", change.robotId()).bind("version", change.version())
        .bind("previous", change.previousVersion()).bind("source", change.source())
        .bind("outcome", change.outcome()).bind("detail", change.detail())
        .bind("changedAt", timestamp(change.changedAt())).bind("now", timestamp(now)).execute();
  }

  /** The robot's changes, oldest first. */
  public List<Change> of(String robotId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT robot_id, version, previous_version, source, outcome, detail,"
            + " changed_at FROM robot_version_history WHERE robot_id = :robot ORDER BY changed_at, id")
        .bind("robot", robotId)
        .map((rs, ctx) -> new Change(rs.getString("robot_id"), rs.getString("version"),
            rs.getString("previous_version"), rs.getString("source"), rs.getString("outcome"),
            rs.getString("detail"), RegistryJdbc.instant(rs, "changed_at")))
        .list());
  }

  /** One line naming the install: what it was, when, and what became of it; at most {@link #REASON_CHARS}. */
  private static String describe(OfflineInstallReport install) {
    String line = "offline install of " + (install.version() == null ? "an unreadable bundle" : install.version())
        + " at " + install.at() + ": " + install.outcome() + ": " + install.reason();
    return line.length() <= REASON_CHARS ? line : line.substring(0, REASON_CHARS - 1) + "…";
  }
}
