package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.afterOrStart;
import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.isDuplicate;
import static io.otaflow.registry.RegistryJdbc.requirePositive;
import static io.otaflow.registry.RegistryJdbc.retryOnDuplicate;
import static io.otaflow.registry.RegistryJdbc.timestamp;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Table {@code rollout_robots}: each rollout's robots, their stage and where each stands; every change is logged. */
public class RolloutRobotRepository {

  private static final Logger log = LoggerFactory.getLogger(RolloutRobotRepository.class);

  /**
   * Rows per transaction when storing stages: one JDBC batch each. A page commits in about a second at worst, so a
   * retry after a failure midway redoes at most one page, and no transaction holds 100,000 rows of locks and undo.
   */
  static final int STAGE_PAGE_SIZE = 5_000;
  private static final String INSERT_STAGED = "INSERT INTO rollout_robots (rollout_id, robot_id, stage_index, state,"
      + " updated_at) VALUES (:rollout, :robot, :stage, :state, :now)";
  private static final String INSERT_MISSING = "INSERT INTO rollout_robots (rollout_id, robot_id, stage_index, state,"
      + " updated_at) SELECT :rollout, :robot, :stage, :state, :now WHERE NOT EXISTS"
      + " (SELECT 1 FROM rollout_robots WHERE rollout_id = :rollout AND robot_id = :robot)";

  /**
   * The states in which a robot can have a reason for not being COMMITTED: all but COMMITTED and PENDING (a robot that
   * has not started has none). Listed rather than {@code <> 'COMMITTED'} so that the state index skips the committed
   * and pending bulk of a large rollout.
   */
  private static final List<String> REASON_STATES = Arrays.stream(RobotUpdateState.values())
      .filter(state -> state != RobotUpdateState.COMMITTED && state != RobotUpdateState.PENDING)
      .map(Enum::name).toList();

  /** What a step's state may overwrite: the update has not ended (PENDING, or a step). */
  private static final List<String> NOT_ENDED = Stream.concat(
      Stream.of(RobotUpdateState.PENDING), RobotUpdateState.IN_PROGRESS.stream()).map(Enum::name).toList();
  private static final List<String> ANY_STATE = Arrays.stream(RobotUpdateState.values()).map(Enum::name).toList();

  private static final String COMMITTED = RobotUpdateState.COMMITTED.name();
  /** The update ended, and not COMMITTED. */
  private static final List<String> ENDED_UNCOMMITTED = RobotUpdateState.OUTCOMES.stream()
      .filter(state -> state != RobotUpdateState.COMMITTED).map(Enum::name).toList();
  /** What a rollback switches back: robots left after apply, and COMMITTED ones unless they moved on since. */
  private static final List<String> ROLLBACK_STATES = List.of(COMMITTED, RobotUpdateState.APPLIED.name(),
      RobotUpdateState.HEALTH_CHECKING.name(), RobotUpdateState.ROLLBACK_FAILED.name());

  private final Jdbi jdbi;
  private final Clock clock;

  public RolloutRobotRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Stores each stage's robots PENDING, a page of {@link #STAGE_PAGE_SIZE} robots (in robot ID order) per transaction,
   * then logs the assignment, which marks it complete for {@link #assignedStageSizes}. Idempotent: a row already
   * stored (by an attempt that failed midway, or one running concurrently) is left as it is, so a retry with the same
   * stages finishes the work instead of failing on the primary key.
   *
   * @param stages robot IDs per stage, in plan order, no robot twice
   * @return robots per stage, in plan order
   */
  public List<Integer> storeStages(String rolloutId, List<List<String>> stages) {
    List<Integer> sizes = stages.stream().map(List::size).toList();
    List<StagedRobot> rows = new ArrayList<>();
    for (int stage = 0; stage < stages.size(); stage++) {
      for (String robotId : stages.get(stage)) {
        rows.add(new StagedRobot(robotId, stage));
      }
    }
    // ID order: each page fills one stretch of the primary key, and concurrent attempts lock rows in the same order.
    rows.sort(Comparator.comparing(StagedRobot::robotId));
    Instant now = RegistryJdbc.now(clock);
    for (int from = 0; from < rows.size(); from += STAGE_PAGE_SIZE) {
      storePage(rolloutId, rows.subList(from, Math.min(rows.size(), from + STAGE_PAGE_SIZE)), now);
    }
    jdbi.useTransaction(h -> {
      if (!stagesAssigned(h, rolloutId)) {
        RolloutEventLog.append(h, rolloutId, null, RolloutEventRecord.STAGES_ASSIGNED, null, null,
            "stage sizes " + sizes, now);
      }
    });
    log.debug("rollout {} assigned stages {}", rolloutId, sizes);
    return sizes;
  }

  /**
   * Robots per stage as stored, once {@link #storeStages} has completed for the rollout; empty before (also while
   * only some pages are stored).
   */
  public Optional<List<Integer>> assignedStageSizes(String rolloutId, int stageCount) {
    return jdbi.withHandle(h -> {
      if (!stagesAssigned(h, rolloutId)) {
        return Optional.empty();
      }
      List<Integer> sizes = new ArrayList<>(Collections.nCopies(stageCount, 0));
      h.createQuery("SELECT stage_index, COUNT(*) AS n FROM rollout_robots"
              + " WHERE rollout_id = :id AND stage_index >= 0 GROUP BY stage_index")
          .bind("id", rolloutId)
          .map((rs, ctx) -> new int[] {rs.getInt("stage_index"), rs.getInt("n")})
          .forEach(count -> {
            if (count[0] < stageCount) {
              sizes.set(count[0], count[1]);
            }
          });
      return Optional.of(List.copyOf(sizes));
    });
  }

  /** The first match ends the query: the event comes early in a rollout's log, which can hold millions. */
  private static boolean stagesAssigned(Handle h, String rolloutId) {
    return h.createQuery("SELECT 1 FROM rollout_events WHERE rollout_id = :id AND kind = :kind LIMIT 1")
        .bind("id", rolloutId).bind("kind", RolloutEventRecord.STAGES_ASSIGNED).mapTo(Integer.class).findOne()
        .isPresent();
  }

  /**
   * One page in one transaction: a plain batch insert (faster on H2 than checking each row first), and when some
   * row of the page is stored already (by an earlier attempt, or one running beside this one) only the rows missing.
   */
  private void storePage(String rolloutId, List<StagedRobot> page, Instant now) {
    try {
      jdbi.useTransaction(h -> insert(h, INSERT_STAGED, rolloutId, page, now));
    } catch (UnableToExecuteStatementException e) {
      if (!isDuplicate(e)) {
        throw e;
      }
      // A concurrent attempt may commit a row of the page between this one's check and insert: then again.
      retryOnDuplicate(() -> jdbi.inTransaction(h -> insert(h, INSERT_MISSING, rolloutId, page, now)));
    }
  }

  /** One JDBC batch of {@code sql}, either of the two inserts. */
  private static int[] insert(Handle h, String sql, String rolloutId, List<StagedRobot> page, Instant now) {
    PreparedBatch batch = h.prepareBatch(sql);
    for (StagedRobot row : page) {
      batch.bind("rollout", rolloutId).bind("robot", row.robotId()).bind("stage", row.stage())
          .bind("state", RobotUpdateState.PENDING.name()).bind("now", timestamp(now)).add();
    }
    return batch.execute();
  }

  private record StagedRobot(String robotId, int stage) {
  }

  /** One page of a stage's robot IDs, ascending, after {@code afterRobotId} (null for the first page). */
  public List<String> stageRobots(String rolloutId, int stage, String afterRobotId, int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> h.createQuery("SELECT robot_id FROM rollout_robots WHERE rollout_id = :id"
            + " AND stage_index = :stage AND robot_id > :after ORDER BY robot_id LIMIT :limit")
        .bind("id", rolloutId).bind("stage", stage).bind("after", afterOrStart(afterRobotId)).bind("limit", limit)
        .mapTo(String.class).list());
  }

  /** The robot IDs of one {@link #robots} page: what a rollback pages through. */
  public List<String> robotsInState(String rolloutId, List<RobotUpdateState> states, String afterRobotId,
                                    int limit) {
    return robots(rolloutId, states, afterRobotId, limit).stream().map(RolloutRobotRecord::robotId).toList();
  }

  /**
   * One page of the rollout's robots in any of {@code states} (in every state when empty), ascending by robot ID,
   * after {@code afterRobotId} (null for the first page).
   */
  public List<RolloutRobotRecord> robots(String rolloutId, Collection<RobotUpdateState> states, String afterRobotId,
                                         int limit) {
    requirePositive(limit);
    // Without a state filter the primary key (rollout_id, robot_id) serves the page; with one, the state index does.
    return jdbi.withHandle(h -> inStates(h.createQuery("SELECT * FROM rollout_robots WHERE rollout_id = :id"
            + stateFilter(states) + " AND robot_id > :after ORDER BY robot_id LIMIT :limit"), states)
        .bind("id", rolloutId).bind("after", afterOrStart(afterRobotId)).bind("limit", limit)
        .map((rs, ctx) -> rolloutRobotRow(rs)).list());
  }

  /**
   * One page of the robots a rollback of the rollout must switch back, ascending by robot ID after
   * {@code afterRobotId} (null for the first page): those it left after apply (APPLIED, HEALTH_CHECKING,
   * ROLLBACK_FAILED) and those COMMITTED that still run {@code releaseVersion}.
   */
  public List<String> robotsToRollBack(String rolloutId, String releaseVersion, String afterRobotId, int limit) {
    requirePositive(limit);
    // The state index serves the page; the robot's row is one primary-key look-up per COMMITTED candidate.
    return jdbi.withHandle(h -> h.createQuery("SELECT rr.robot_id FROM rollout_robots rr"
            + " LEFT JOIN robots r ON r.robot_id = rr.robot_id"
            + " WHERE rr.rollout_id = :id AND rr.state IN (<states>) AND rr.robot_id > :after"
            + " AND (rr.state <> :committed OR r.installed_version = :version)"
            + " ORDER BY rr.robot_id LIMIT :limit")
        .bind("id", rolloutId).bindList("states", ROLLBACK_STATES).bind("committed", COMMITTED)
        .bind("version", releaseVersion).bind("after", afterOrStart(afterRobotId)).bind("limit", limit)
        .mapTo(String.class).list());
  }

  /** COMMITTED robots of the rollout that run another release than {@code releaseVersion} now (or none known). */
  public int countMovedOn(String rolloutId, String releaseVersion) {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM rollout_robots rr"
            + " LEFT JOIN robots r ON r.robot_id = rr.robot_id"
            + " WHERE rr.rollout_id = :id AND rr.state = :committed"
            + " AND (r.installed_version IS NULL OR r.installed_version <> :version)")
        .bind("id", rolloutId).bind("committed", COMMITTED).bind("version", releaseVersion)
        .mapTo(Integer.class).one());
  }

  /**
   * The {@code limit} most common (state, reason) pairs among the rollout's robots that started and are not COMMITTED,
   * most robots first.
   */
  public List<FailureReason> failureReasons(String rolloutId, int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> h.createQuery("SELECT state, reason, COUNT(*) AS robots FROM rollout_robots"
            + " WHERE rollout_id = :id AND state IN (<states>) AND reason IS NOT NULL"
            + " GROUP BY state, reason ORDER BY robots DESC, state, reason LIMIT :limit")
        .bind("id", rolloutId).bindList("states", REASON_STATES).bind("limit", limit)
        .map((rs, ctx) -> new FailureReason(RobotUpdateState.valueOf(rs.getString("state")), rs.getString("reason"),
            rs.getInt("robots")))
        .list());
  }

  /**
   * Stores one robot's state in a rollout and logs it; a non-null {@code installedVersion} also becomes the robot's
   * installed version in the fleet.
   */
  public void recordRobotState(String rolloutId, String robotId, RobotUpdateState state, String reason,
                               String installedVersion) {
    record(rolloutId, robotId, state, reason, installedVersion, false);
  }

  /**
   * Records the state a robot workflow ends with, as {@link #recordRobotState}, and returns the rollout's open run
   * ({@link RolloutRepository#openRun}) read in the same transaction: one connection and one commit, as many as any
   * other state change (a second round trip slowed 3,000 instant robots from 29 to 19 a second on H2).
   */
  public Optional<String> recordOutcome(String rolloutId, String robotId, RobotUpdateState state, String reason,
                                        String installedVersion) {
    return record(rolloutId, robotId, state, reason, installedVersion, true);
  }

  private Optional<String> record(String rolloutId, String robotId, RobotUpdateState state, String reason,
                                  String installedVersion, boolean readOpenRun) {
    Instant now = RegistryJdbc.now(clock);
    // A step's state never overwrites an update's end: a local activity run again (its workflow task retried while
    // the first run was still writing) may land after the robot's last state, seen under load at 10,000 robots.
    List<String> overwritable = RobotUpdateState.IN_PROGRESS.contains(state) ? NOT_ENDED : ANY_STATE;
    Optional<String> openRun = retryOnDuplicate(() -> jdbi.inTransaction(h -> {
      int updated = h.createUpdate("UPDATE rollout_robots SET state = :state, reason = :reason, updated_at = :now"
              + " WHERE rollout_id = :rollout AND robot_id = :robot AND state IN (<overwritable>)")
          .bind("rollout", rolloutId).bind("robot", robotId).bind("state", state.name()).bind("reason", reason)
          .bind("now", timestamp(now)).bindList("overwritable", overwritable).execute();
      if (updated == 0) {
        h.createUpdate("INSERT INTO rollout_robots (rollout_id, robot_id, stage_index, state, reason, updated_at)"
                + " SELECT :rollout, :robot, -1, :state, :reason, :now WHERE NOT EXISTS"
                + " (SELECT 1 FROM rollout_robots WHERE rollout_id = :rollout AND robot_id = :robot)")
            .bind("rollout", rolloutId).bind("robot", robotId).bind("state", state.name()).bind("reason", reason)
            .bind("now", timestamp(now)).execute();
      }
      RolloutEventLog.append(h, rolloutId, robotId, RolloutEventRecord.ROBOT_STATE, state.name(), null, reason, now);
      if (installedVersion != null) {
        RobotRepository.recordInstalledVersion(h, robotId, installedVersion, rolloutId, state.name(), reason, now);
      }
      return readOpenRun ? RolloutRepository.openRun(h, rolloutId) : Optional.<String>empty();
    }));
    log.debug("rollout {} robot {} state {} reason={} installed={}", rolloutId, robotId, state, reason,
        installedVersion);
    return openRun;
  }

  /** One robot's row in the rollout. */
  public Optional<RolloutRobotRecord> robot(String rolloutId, String robotId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_robots WHERE rollout_id = :rollout"
            + " AND robot_id = :robot")
        .bind("rollout", rolloutId).bind("robot", robotId).map((rs, ctx) -> rolloutRobotRow(rs)).findOne());
  }

  /** Ordered by stage, then robot ID. */
  public List<RolloutRobotRecord> rolloutRobots(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_robots WHERE rollout_id = :id"
            + " ORDER BY stage_index, robot_id")
        .bind("id", rolloutId).map((rs, ctx) -> rolloutRobotRow(rs)).list());
  }

  /**
   * The robot's {@code limit} latest rollouts, newest first (by when its state in each last changed), in one query.
   * Rows of a rollout the registry holds no {@code rollouts} row of are left out: they have no release or status.
   */
  public List<RobotRolloutRecord> robotRollouts(String robotId, int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> h.createQuery("SELECT rr.*, ro.release_version, ro.status FROM rollout_robots rr"
            + " JOIN rollouts ro ON ro.rollout_id = rr.rollout_id WHERE rr.robot_id = :robot"
            + " ORDER BY rr.updated_at DESC, rr.rollout_id DESC LIMIT :limit")
        .bind("robot", robotId).bind("limit", limit)
        .map((rs, ctx) -> new RobotRolloutRecord(rs.getString("rollout_id"), rs.getString("release_version"),
            RolloutStatus.valueOf(rs.getString("status")), rolloutRobotRow(rs)))
        .list());
  }

  /** Those of {@code robotIds} in the rollout whose update or rollback ended: in a state neither in progress nor PENDING. */
  public List<RolloutRobotRecord> endedRobots(String rolloutId, Collection<String> robotIds) {
    if (robotIds.isEmpty()) {
      return List.of();
    }
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_robots WHERE rollout_id = :id"
            + " AND robot_id IN (<robots>) AND state NOT IN (<notEnded>) ORDER BY robot_id")
        .bind("id", rolloutId).bindList("robots", List.copyOf(robotIds)).bindList("notEnded", NOT_ENDED)
        .map((rs, ctx) -> rolloutRobotRow(rs)).list());
  }

  /** Robots of one rollout in one stage and state. */
  public record StageStateCount(String rolloutId, int stageIndex, RobotUpdateState state, int robots) {
  }

  /** Robots per stage and state of each of the rollouts, in one grouped query. */
  public List<StageStateCount> countsByStage(Collection<String> rolloutIds) {
    if (rolloutIds.isEmpty()) {
      return List.of();
    }
    return jdbi.withHandle(h -> h.createQuery("SELECT rollout_id, stage_index, state, COUNT(*) AS n"
            + " FROM rollout_robots WHERE rollout_id IN (<ids>) GROUP BY rollout_id, stage_index, state")
        .bindList("ids", List.copyOf(rolloutIds))
        .map((rs, ctx) -> new StageStateCount(rs.getString("rollout_id"), rs.getInt("stage_index"),
            RobotUpdateState.valueOf(rs.getString("state")), rs.getInt("n")))
        .list());
  }

  /**
   * One page of the rollout's robots in any of {@code states} (all when empty): those that ended other than COMMITTED
   * first, each part by robot ID; {@code offset} robots skipped (a person pages through hundreds, not 100,000).
   */
  public List<RolloutRobotRecord> robotsFailedFirst(String rolloutId, Collection<RobotUpdateState> states, int offset,
                                                    int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> inStates(h.createQuery("SELECT * FROM rollout_robots WHERE rollout_id = :id"
            + stateFilter(states) + " ORDER BY CASE WHEN state IN (<failed>) THEN 0 ELSE 1 END, robot_id"
            + " LIMIT :limit OFFSET :offset"), states)
        .bind("id", rolloutId).bindList("failed", ENDED_UNCOMMITTED).bind("limit", limit)
        .bind("offset", Math.max(0, offset))
        .map((rs, ctx) -> rolloutRobotRow(rs)).list());
  }

  /** The condition a query's robots are in one of {@code states}, nothing when it is empty (any state). */
  private static String stateFilter(Collection<RobotUpdateState> states) {
    return states.isEmpty() ? "" : " AND state IN (<states>)";
  }

  /** Binds the {@link #stateFilter}'s states. */
  private static Query inStates(Query query, Collection<RobotUpdateState> states) {
    return states.isEmpty() ? query : query.bindList("states", states.stream().map(Enum::name).toList());
  }

  /** Robots per state, every state present (zero when none), in enum order. */
  public Map<RobotUpdateState, Integer> countsByState(String rolloutId) {
    Map<RobotUpdateState, Integer> counts = new EnumMap<>(RobotUpdateState.class);
    for (RobotUpdateState state : RobotUpdateState.values()) {
      counts.put(state, 0);
    }
    jdbi.useHandle(h -> h.createQuery("SELECT state, COUNT(*) AS n FROM rollout_robots WHERE rollout_id = :id"
            + " GROUP BY state")
        .bind("id", rolloutId)
        .map((rs, ctx) -> counts.put(RobotUpdateState.valueOf(rs.getString("state")), rs.getInt("n")))
        .forEach(ignored -> { }));
    return counts;
  }

  private static RolloutRobotRecord rolloutRobotRow(ResultSet rs) throws SQLException {
    return new RolloutRobotRecord(rs.getString("robot_id"), rs.getInt("stage_index"),
        RobotUpdateState.valueOf(rs.getString("state")), rs.getString("reason"), instant(rs, "updated_at"));
  }
}
