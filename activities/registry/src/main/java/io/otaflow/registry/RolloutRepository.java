package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.fromJson;
import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.isDuplicate;
import static io.otaflow.registry.RegistryJdbc.timestamp;
import static io.otaflow.registry.RegistryJdbc.toJson;

import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.rollout.RolloutRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Table {@code rollouts}: each rollout's release, plan and target, and where it stands; every change is logged. */
public class RolloutRepository {

  private static final Logger log = LoggerFactory.getLogger(RolloutRepository.class);
  private static final List<String> FINAL_STATUSES = Arrays.stream(RolloutStatus.values())
      .filter(RolloutStatus::isFinal).map(Enum::name).toList();
  private static final NewestFirst NEWEST_FIRST = new NewestFirst("rollouts", "created_at", "rollout_id");

  private final Jdbi jdbi;
  private final Clock clock;

  public RolloutRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Stores a new PENDING rollout with its plan and target, and leases it {@code robotIds} in the same transaction; its
   * release must be stored first.
   *
   * @throws RegistryConflictException when the rollout ID is taken
   * @throws RobotsLeasedException     when another running rollout holds some of the robots
   */
  public void createRollout(RolloutRequest request, Set<String> robotIds) {
    Instant now = RegistryJdbc.now(clock);
    try {
      jdbi.useTransaction(h -> {
        h.createUpdate("INSERT INTO rollouts (rollout_id, release_version, plan_json, target_json, status,"
                + " started_by, created_at, updated_at) VALUES (:id, :version, :plan, :target, :status, :by, :now, :now)")
            .bind("id", request.rolloutId()).bind("version", request.release().version()).bind("by", request.startedBy())
            .bind("plan", toJson(request.plan())).bind("target", toJson(request.target()))
            .bind("status", RolloutStatus.PENDING.name()).bind("now", timestamp(now))
            .execute();
        RolloutEventLog.append(h, request.rolloutId(), null, RolloutEventRecord.ROLLOUT_STATUS,
            RolloutStatus.PENDING.name(), null, null, now);
        RobotLeases.take(h, request.rolloutId(), robotIds, now);
      });
    } catch (UnableToExecuteStatementException e) {
      if (isDuplicate(e) && rollout(request.rolloutId()).isPresent()) {
        throw new RegistryConflictException("rollout " + request.rolloutId() + " already exists");
      }
      throw leasedOr(e, robotIds);
    }
    log.debug("created rollout {} of release {}", request.rolloutId(), request.release().version());
  }

  /**
   * Records the rollback a person ordered of a rollout that has ended, in one transaction: RUNNING with {@code reason},
   * when it was ordered, and the leases of {@code robotIds}, which the rollback gives back when it records its outcome.
   *
   * @return false, storing nothing, when the rollout is no longer in a final status (another order came first)
   * @throws RobotsLeasedException when another running rollout holds some of the robots
   */
  public boolean orderRollback(String rolloutId, Set<String> robotIds, String reason) {
    Instant now = RegistryJdbc.now(clock);
    try {
      return jdbi.inTransaction(h -> {
        int ordered = h.createUpdate("UPDATE rollouts SET status = :status, stage = NULL, reason = :reason,"
                + " rollback_ordered_at = :now, updated_at = :now WHERE rollout_id = :id AND status IN (<final>)")
            .bind("id", rolloutId).bind("status", RolloutStatus.RUNNING.name()).bind("reason", reason)
            .bind("now", timestamp(now)).bindList("final", FINAL_STATUSES).execute();
        if (ordered == 0) {
          return false;
        }
        RolloutEventLog.append(h, rolloutId, null, RolloutEventRecord.ROLLOUT_STATUS, RolloutStatus.RUNNING.name(),
            null, reason, now);
        RobotLeases.take(h, rolloutId, robotIds, now);
        return true;
      });
    } catch (UnableToExecuteStatementException e) {
      throw leasedOr(e, robotIds);
    }
  }

  /** A duplicate lease means another rollout holds some of the robots: named in the refusal. */
  private RuntimeException leasedOr(UnableToExecuteStatementException e, Set<String> robotIds) {
    return isDuplicate(e) ? new RobotsLeasedException(robotIds.size(), new RobotLeases(jdbi).holders(robotIds)) : e;
  }

  public Optional<RolloutRecord> rollout(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollouts WHERE rollout_id = :id")
        .bind("id", rolloutId).map((rs, ctx) -> rolloutRow(rs)).findOne());
  }

  /** One page of rollouts, newest first, in one query. */
  public List<RolloutRecord> rollouts(RolloutQuery query) {
    List<String> conditions = new ArrayList<>();
    if (!query.statuses().isEmpty()) {
      conditions.add("status IN (<statuses>)");
    }
    if (query.releaseVersion() != null) {
      conditions.add("release_version = :release");
    }
    return jdbi.withHandle(h -> {
      Query page = NEWEST_FIRST.page(h, conditions, query.afterRolloutId(), query.limit());
      if (!query.statuses().isEmpty()) {
        page.bindList("statuses", query.statuses().stream().map(Enum::name).toList());
      }
      if (query.releaseVersion() != null) {
        page.bind("release", query.releaseVersion());
      }
      return page.map((rs, ctx) -> rolloutRow(rs)).list();
    });
  }

  /** Rollouts not in a final status, oldest first: what the registry believes still runs. */
  public List<RolloutRecord> unfinishedRollouts() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollouts WHERE status NOT IN (<final>)"
            + " ORDER BY created_at, rollout_id")
        .bindList("final", FINAL_STATUSES).map((rs, ctx) -> rolloutRow(rs)).list());
  }

  /**
   * The request a rollout was created from (release, plan, target), for showing it or rolling it back: the same as it
   * started with, as a registered release never changes and the plan is stored with its defaults filled in.
   */
  public Optional<RolloutRequest> rolloutRequest(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT r.rollout_id, r.plan_json, r.target_json, r.started_by, rel.* FROM rollouts r"
                + " JOIN releases rel ON rel.version = r.release_version WHERE r.rollout_id = :id")
        .bind("id", rolloutId)
        .map((rs, ctx) -> new RolloutRequest(rs.getString("rollout_id"), ReleaseRepository.releaseRow(rs),
            fromJson(rs.getString("plan_json"), RolloutPlan.class),
            fromJson(rs.getString("target_json"), TargetSelector.class), rs.getString("started_by")))
        .findOne());
  }

  /** Records where the rollout stands; a final status gives back its robots' leases in the same transaction. */
  public void recordRolloutStatus(String rolloutId, RolloutStatus status, String stage, String reason) {
    Instant now = RegistryJdbc.now(clock);
    jdbi.useTransaction(h -> {
      h.createUpdate("UPDATE rollouts SET status = :status, stage = :stage, reason = :reason, updated_at = :now"
              + " WHERE rollout_id = :id")
          .bind("id", rolloutId).bind("status", status.name()).bind("stage", stage).bind("reason", reason)
          .bind("now", timestamp(now)).execute();
      RolloutEventLog.append(h, rolloutId, null, RolloutEventRecord.ROLLOUT_STATUS, status.name(), stage, reason,
          now);
      if (status.isFinal()) {
        RobotLeases.release(h, rolloutId);
      }
    });
    log.debug("rollout {} status {} stage={} reason={}", rolloutId, status, stage, reason);
  }

  /** Records the rollout workflow's open run ({@code runId}), or that none is open while it continues as new (null). */
  public void recordOpenRun(String rolloutId, String runId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE rollouts SET open_run_id = :run WHERE rollout_id = :id")
        .bind("id", rolloutId).bind("run", runId).execute());
  }

  /** The rollout workflow's open run as last recorded; empty while it continues as new or when none was recorded. */
  static Optional<String> openRun(Handle h, String rolloutId) {
    return h.createQuery("SELECT open_run_id FROM rollouts WHERE rollout_id = :id").bind("id", rolloutId)
        .mapTo(String.class).findOne();
  }

  /** Appends one measurement of the rollout's stage analysis to its events; {@code outcome} is the event's status. */
  public void recordAnalysis(String rolloutId, String stage, String outcome, String reason) {
    jdbi.useHandle(h -> RolloutEventLog.append(h, rolloutId, null, RolloutEventRecord.ANALYSIS, outcome, stage, reason,
        RegistryJdbc.now(clock)));
  }

  private static RolloutRecord rolloutRow(ResultSet rs) throws SQLException {
    return new RolloutRecord(rs.getString("rollout_id"), rs.getString("release_version"),
        RolloutStatus.valueOf(rs.getString("status")), rs.getString("stage"), rs.getString("reason"),
        instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "rollback_ordered_at"));
  }
}
