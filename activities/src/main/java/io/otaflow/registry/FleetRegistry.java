package io.otaflow.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.otaflow.plan.PlanValidator;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.release.Release;
import io.otaflow.robot.RobotUpdateState;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.rollout.RolloutStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's data access: robots, releases, rollouts, each rollout's robots and its audit log. Every write
 * is a single statement or a short transaction, so it can back Temporal local activities.
 */
public class FleetRegistry {

  private static final Logger log = LoggerFactory.getLogger(FleetRegistry.class);

  /** Rows per JDBC batch when assigning stages; keeps driver buffers small for fleets of 100,000. */
  private static final int BATCH_SIZE = 2_000;
  private static final String DUPLICATE_KEY = "23505";

  private static final ObjectMapper JSON = new ObjectMapper()
      // jackson-datatype-jsr310 comes with temporal-sdk (runtime scope here), so find it instead of naming it.
      .findAndRegisterModules()
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Jdbi jdbi;
  private final Clock clock;

  public FleetRegistry(Jdbi jdbi) {
    this(jdbi, Clock.systemUTC());
  }

  public FleetRegistry(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  // ---- robots ----

  /** Adds the robot, or refreshes its labels, installed version and last-seen time; keeps its agent version. */
  public void registerRobot(String robotId, Map<String, String> labels, String installedVersion) {
    registerRobot(robotId, labels, installedVersion, null);
  }

  /**
   * Adds the robot, or refreshes its labels, installed version, last-seen time and, when {@code agentVersion} is not
   * null, the version of the agent it runs.
   */
  public void registerRobot(String robotId, Map<String, String> labels, String installedVersion,
                            String agentVersion) {
    requireText(robotId, "robotId");
    String labelsJson = toJson(new TreeMap<>(labels == null ? Map.of() : labels));
    Instant now = now();
    retryOnDuplicate(() -> jdbi.inTransaction(h -> {
      int updated = h.createUpdate("UPDATE robots SET labels = :labels, installed_version = :version,"
              + " agent_version = COALESCE(:agent, agent_version), last_seen_at = :now WHERE robot_id = :id")
          .bind("id", robotId).bind("labels", labelsJson).bind("version", installedVersion)
          .bind("agent", agentVersion).bind("now", ts(now))
          .execute();
      if (updated == 0) {
        h.createUpdate("INSERT INTO robots (robot_id, labels, installed_version, agent_version, registered_at,"
                + " last_seen_at) VALUES (:id, :labels, :version, :agent, :now, :now)")
            .bind("id", robotId).bind("labels", labelsJson).bind("version", installedVersion)
            .bind("agent", agentVersion).bind("now", ts(now))
            .execute();
      }
      return null;
    }));
    log.debug("registered robot {} labels={} installed={} agent={}", robotId, labelsJson, installedVersion,
        agentVersion);
  }

  public Optional<RobotRecord> robot(String robotId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM robots WHERE robot_id = :id")
        .bind("id", robotId).map((rs, ctx) -> robotRow(rs)).findOne());
  }

  public List<RobotRecord> robots() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM robots ORDER BY robot_id")
        .map((rs, ctx) -> robotRow(rs)).list());
  }

  /**
   * Robot IDs (ascending) the selector picks: the listed IDs when there are any, narrowed to robots carrying every
   * label when labels are given; both empty means the whole fleet.
   *
   * @throws UnknownRobotException naming every listed ID the registry does not know
   */
  public List<String> matchingRobots(TargetSelector target) {
    Map<String, String> wanted = target.labels();
    List<String> ids = new ArrayList<>();
    Set<String> known = new HashSet<>();
    jdbi.useHandle(h -> h.createQuery("SELECT robot_id, labels FROM robots ORDER BY robot_id")
        .map((rs, ctx) -> {
          String id = rs.getString("robot_id");
          known.add(id);
          if (wanted.isEmpty() || readLabels(rs.getString("labels")).entrySet().containsAll(wanted.entrySet())) {
            ids.add(id);
          }
          return id;
        })
        .forEach(id -> { }));
    if (target.robotIds().isEmpty()) {
      return ids;
    }
    Set<String> requested = new LinkedHashSet<>(target.robotIds());
    List<String> unknown = requested.stream().filter(id -> !known.contains(id)).toList();
    if (!unknown.isEmpty()) {
      throw new UnknownRobotException(unknown);
    }
    return ids.stream().filter(requested::contains).toList();
  }

  // ---- releases ----

  /**
   * Registers a release once; the same release again is a no-op.
   *
   * @throws RegistryConflictException when the version is registered with another artifact or manifest
   */
  public void registerRelease(Release release) {
    release.validate();
    retryOnDuplicate(() -> jdbi.inTransaction(h -> {
      Optional<Release> existing = release(h, release.version());
      if (existing.isPresent()) {
        Release stored = existing.get();
        if (!stored.equals(normalized(release))) {
          boolean onlyManifest = stored.equals(normalized(release).withSignedManifest(stored.signedManifest()));
          throw new RegistryConflictException("release " + release.version()
              + " is already registered with a different " + (onlyManifest ? "signed manifest" : "artifact"));
        }
        return null;
      }
      h.createUpdate("INSERT INTO releases (version, artifact_url, sha256, size_bytes, changelog, signed_manifest,"
              + " registered_at) VALUES (:version, :url, :sha, :size, :changelog, :manifest, :now)")
          .bind("version", release.version()).bind("url", release.artifactUrl()).bind("sha", release.sha256())
          .bind("size", release.sizeBytes()).bind("changelog", release.changelog())
          .bind("manifest", release.signedManifest()).bind("now", ts(now()))
          .execute();
      log.debug("registered release {}", release.version());
      return null;
    }));
  }

  public Optional<Release> release(String version) {
    return jdbi.withHandle(h -> release(h, version));
  }

  public List<Release> releases() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM releases ORDER BY registered_at, version")
        .map((rs, ctx) -> releaseRow(rs)).list());
  }

  private static Optional<Release> release(Handle h, String version) {
    return h.createQuery("SELECT * FROM releases WHERE version = :v").bind("v", version)
        .map((rs, ctx) -> releaseRow(rs)).findOne();
  }

  // ---- rollouts ----

  /** Stores a new PENDING rollout with its plan and target; its release must be registered first. */
  public void createRollout(RolloutRequest request) {
    requireText(request.rolloutId(), "rolloutId");
    PlanValidator.validate(request.plan());
    String version = request.release().version();
    String planJson = toJson(request.plan());
    String targetJson = toJson(request.target() == null ? TargetSelector.wholeFleet() : request.target());
    Instant now = now();
    try {
      jdbi.useTransaction(h -> {
        Release stored = release(h, version)
            .orElseThrow(() -> new IllegalArgumentException("unknown release " + version));
        if (!stored.equals(normalized(request.release()))) {
          throw new IllegalArgumentException("release " + version + " differs from the registered one");
        }
        if (h.createQuery("SELECT COUNT(*) FROM rollouts WHERE rollout_id = :id").bind("id", request.rolloutId())
            .mapTo(Integer.class).one() > 0) {
          throw duplicateRollout(request.rolloutId());
        }
        h.createUpdate("INSERT INTO rollouts (rollout_id, release_version, plan_json, target_json, status,"
                + " created_at, updated_at) VALUES (:id, :version, :plan, :target, :status, :now, :now)")
            .bind("id", request.rolloutId()).bind("version", version).bind("plan", planJson)
            .bind("target", targetJson).bind("status", RolloutStatus.PENDING.name()).bind("now", ts(now))
            .execute();
        insertEvent(h, request.rolloutId(), null, RolloutEventRecord.ROLLOUT_STATUS,
            RolloutStatus.PENDING.name(), null, null, now);
      });
    } catch (UnableToExecuteStatementException e) {
      if (isDuplicate(e)) {
        throw duplicateRollout(request.rolloutId());
      }
      throw e;
    }
    log.debug("created rollout {} of release {}", request.rolloutId(), version);
  }

  public Optional<RolloutRecord> rollout(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollouts WHERE rollout_id = :id")
        .bind("id", rolloutId).map((rs, ctx) -> rolloutRow(rs)).findOne());
  }

  /** Newest first. */
  public List<RolloutRecord> rollouts() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollouts ORDER BY created_at DESC, rollout_id DESC")
        .map((rs, ctx) -> rolloutRow(rs)).list());
  }

  /** The request a rollout was created from (release, plan, target), for restarting or showing it. */
  public Optional<RolloutRequest> rolloutRequest(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT r.rollout_id, r.plan_json, r.target_json, rel.* FROM rollouts r"
                + " JOIN releases rel ON rel.version = r.release_version WHERE r.rollout_id = :id")
        .bind("id", rolloutId)
        .map((rs, ctx) -> new RolloutRequest(rs.getString("rollout_id"), releaseRow(rs),
            fromJson(rs.getString("plan_json"), RolloutPlan.class),
            fromJson(rs.getString("target_json"), TargetSelector.class)))
        .findOne());
  }

  public void recordRolloutStatus(String rolloutId, RolloutStatus status, String stage, String reason) {
    Instant now = now();
    jdbi.useTransaction(h -> {
      h.createUpdate("UPDATE rollouts SET status = :status, stage = :stage, reason = :reason, updated_at = :now"
              + " WHERE rollout_id = :id")
          .bind("id", rolloutId).bind("status", status.name()).bind("stage", stage).bind("reason", reason)
          .bind("now", ts(now)).execute();
      insertEvent(h, rolloutId, null, RolloutEventRecord.ROLLOUT_STATUS, status.name(), stage, reason, now);
    });
    log.debug("rollout {} status {} stage={} reason={}", rolloutId, status, stage, reason);
  }

  // ---- a rollout's robots ----

  /**
   * Assigns the target's robots to stages (see {@link StagePlanner#assign}) and stores them PENDING in one
   * transaction. When the rollout already has rows, returns the stored sizes instead, so a retry changes nothing.
   *
   * @return robots per stage, in plan order
   */
  public List<Integer> assignStages(String rolloutId, TargetSelector target, RolloutPlan plan,
                                    String releaseVersion) {
    int stageCount = plan.stages().size();
    Optional<List<Integer>> stored = storedStageSizes(rolloutId, stageCount);
    if (stored.isPresent()) {
      return stored.get();
    }
    Set<String> upToDate = new HashSet<>(jdbi.withHandle(h -> h.createQuery(
            "SELECT robot_id FROM robots WHERE installed_version = :version")
        .bind("version", releaseVersion).mapTo(String.class).list()));
    List<String> targets = matchingRobots(target).stream().filter(robot -> !upToDate.contains(robot)).toList();
    List<List<String>> stages = StagePlanner.assign(rolloutId, targets, plan);
    Instant now = now();
    try {
      jdbi.useTransaction(h -> {
        for (int stage = 0; stage < stages.size(); stage++) {
          insertStage(h, rolloutId, stage, stages.get(stage), now);
        }
        List<Integer> sizes = stages.stream().map(List::size).toList();
        insertEvent(h, rolloutId, null, RolloutEventRecord.STAGES_ASSIGNED, null, null, "stage sizes " + sizes, now);
      });
    } catch (UnableToExecuteStatementException e) {
      // A concurrent attempt stored the assignment first: StagePlanner is deterministic, so its rows are ours.
      if (isDuplicate(e)) {
        return storedStageSizes(rolloutId, stageCount).orElseThrow(() -> e);
      }
      throw e;
    }
    List<Integer> sizes = stages.stream().map(List::size).toList();
    log.debug("rollout {} assigned stages {}", rolloutId, sizes);
    return sizes;
  }

  private static void insertStage(Handle h, String rolloutId, int stage, List<String> robotIds, Instant now) {
    for (int from = 0; from < robotIds.size(); from += BATCH_SIZE) {
      PreparedBatch batch = h.prepareBatch("INSERT INTO rollout_robots (rollout_id, robot_id, stage_index, state,"
          + " updated_at) VALUES (:rollout, :robot, :stage, :state, :now)");
      for (String robotId : robotIds.subList(from, Math.min(robotIds.size(), from + BATCH_SIZE))) {
        batch.bind("rollout", rolloutId).bind("robot", robotId).bind("stage", stage)
            .bind("state", RobotUpdateState.PENDING.name()).bind("now", ts(now)).add();
      }
      batch.execute();
    }
  }

  private Optional<List<Integer>> storedStageSizes(String rolloutId, int stageCount) {
    List<int[]> counts = jdbi.withHandle(h -> h.createQuery("SELECT stage_index, COUNT(*) AS n FROM rollout_robots"
            + " WHERE rollout_id = :id AND stage_index >= 0 GROUP BY stage_index")
        .bind("id", rolloutId).map((rs, ctx) -> new int[] {rs.getInt("stage_index"), rs.getInt("n")}).list());
    if (counts.isEmpty()) {
      return Optional.empty();
    }
    List<Integer> sizes = new ArrayList<>(Collections.nCopies(stageCount, 0));
    for (int[] c : counts) {
      if (c[0] < stageCount) {
        sizes.set(c[0], c[1]);
      }
    }
    return Optional.of(List.copyOf(sizes));
  }

  /** One page of a stage's robot IDs, ascending, after {@code afterRobotId} (null for the first page). */
  public List<String> stageRobots(String rolloutId, int stage, String afterRobotId, int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> h.createQuery("SELECT robot_id FROM rollout_robots WHERE rollout_id = :id"
            + " AND stage_index = :stage AND robot_id > :after ORDER BY robot_id LIMIT :limit")
        .bind("id", rolloutId).bind("stage", stage).bind("after", afterOrStart(afterRobotId)).bind("limit", limit)
        .mapTo(String.class).list());
  }

  /** One page of the robot IDs in any of {@code states}, ascending, after {@code afterRobotId} (null for the first page). */
  public List<String> robotsInState(String rolloutId, List<RobotUpdateState> states, String afterRobotId,
                                    int limit) {
    requirePositive(limit);
    return jdbi.withHandle(h -> h.createQuery("SELECT robot_id FROM rollout_robots WHERE rollout_id = :id"
            + " AND state IN (<states>) AND robot_id > :after ORDER BY robot_id LIMIT :limit")
        .bind("id", rolloutId).bindList("states", states.stream().map(Enum::name).toList())
        .bind("after", afterOrStart(afterRobotId)).bind("limit", limit).mapTo(String.class).list());
  }

  /**
   * Stores one robot's state in a rollout and logs it; a non-null {@code installedVersion} also becomes the robot's
   * installed version in the fleet.
   */
  public void recordRobotState(String rolloutId, String robotId, RobotUpdateState state, String reason,
                               String installedVersion) {
    Instant now = now();
    retryOnDuplicate(() -> jdbi.inTransaction(h -> {
      int updated = h.createUpdate("UPDATE rollout_robots SET state = :state, reason = :reason, updated_at = :now"
              + " WHERE rollout_id = :rollout AND robot_id = :robot")
          .bind("rollout", rolloutId).bind("robot", robotId).bind("state", state.name()).bind("reason", reason)
          .bind("now", ts(now)).execute();
      if (updated == 0) {
        h.createUpdate("INSERT INTO rollout_robots (rollout_id, robot_id, stage_index, state, reason, updated_at)"
                + " VALUES (:rollout, :robot, -1, :state, :reason, :now)")
            .bind("rollout", rolloutId).bind("robot", robotId).bind("state", state.name()).bind("reason", reason)
            .bind("now", ts(now)).execute();
      }
      insertEvent(h, rolloutId, robotId, RolloutEventRecord.ROBOT_STATE, state.name(), null, reason, now);
      if (installedVersion != null) {
        h.createUpdate("UPDATE robots SET installed_version = :version, last_seen_at = :now WHERE robot_id = :robot")
            .bind("robot", robotId).bind("version", installedVersion).bind("now", ts(now)).execute();
      }
      return null;
    }));
    log.debug("rollout {} robot {} state {} reason={} installed={}", rolloutId, robotId, state, reason,
        installedVersion);
  }

  /** Ordered by stage, then robot ID. */
  public List<RolloutRobotRecord> rolloutRobots(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_robots WHERE rollout_id = :id"
            + " ORDER BY stage_index, robot_id")
        .bind("id", rolloutId)
        .map((rs, ctx) -> new RolloutRobotRecord(rs.getString("robot_id"), rs.getInt("stage_index"),
            RobotUpdateState.valueOf(rs.getString("state")), rs.getString("reason"), instant(rs, "updated_at")))
        .list());
  }

  /** Robots per state, every state present (zero when none), in enum order. */
  public Map<RobotUpdateState, Integer> rolloutRobotCounts(String rolloutId) {
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

  /** The rollout's audit log, oldest first. */
  public List<RolloutEventRecord> rolloutEvents(String rolloutId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM rollout_events WHERE rollout_id = :id ORDER BY id")
        .bind("id", rolloutId)
        .map((rs, ctx) -> new RolloutEventRecord(rs.getLong("id"), rs.getString("rollout_id"),
            rs.getString("robot_id"), rs.getString("kind"), rs.getString("status"), rs.getString("stage"),
            rs.getString("reason"), instant(rs, "recorded_at")))
        .list());
  }

  // ---- helpers ----

  private static void insertEvent(Handle h, String rolloutId, String robotId, String kind, String status,
                                  String stage, String reason, Instant at) {
    h.createUpdate("INSERT INTO rollout_events (rollout_id, robot_id, kind, status, stage, reason, recorded_at)"
            + " VALUES (:rollout, :robot, :kind, :status, :stage, :reason, :at)")
        .bind("rollout", rolloutId).bind("robot", robotId).bind("kind", kind).bind("status", status)
        .bind("stage", stage).bind("reason", reason).bind("at", ts(at)).execute();
  }

  /** Microseconds: the finest both H2 and PostgreSQL keep, so what we write is what we read back. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Bound as an offset timestamp ourselves, so the JVM's time zone never shifts stored instants. */
  private static Argument ts(Instant instant) {
    OffsetDateTime value = instant.atOffset(ZoneOffset.UTC);
    return (position, statement, ctx) -> statement.setObject(position, value);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static RobotRecord robotRow(ResultSet rs) throws SQLException {
    return new RobotRecord(rs.getString("robot_id"), readLabels(rs.getString("labels")),
        rs.getString("installed_version"), instant(rs, "registered_at"), instant(rs, "last_seen_at"),
        rs.getString("agent_version"));
  }

  private static Release releaseRow(ResultSet rs) throws SQLException {
    return new Release(rs.getString("version"), rs.getString("artifact_url"), rs.getString("sha256"),
        rs.getLong("size_bytes"), rs.getString("changelog"), rs.getString("signed_manifest"));
  }

  private static RolloutRecord rolloutRow(ResultSet rs) throws SQLException {
    return new RolloutRecord(rs.getString("rollout_id"), rs.getString("release_version"),
        RolloutStatus.valueOf(rs.getString("status")), rs.getString("stage"), rs.getString("reason"),
        instant(rs, "created_at"), instant(rs, "updated_at"));
  }

  /** The release as stored: a null changelog is kept as empty text; the signed manifest is kept as it is. */
  private static Release normalized(Release r) {
    return new Release(r.version(), r.artifactUrl(), r.sha256(), r.sizeBytes(), r.changelog(), r.signedManifest());
  }

  private static Map<String, String> readLabels(String json) {
    return Collections.unmodifiableMap(fromJson(json, new TypeReference<TreeMap<String, String>>() { }));
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot store as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static <T> T fromJson(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not read back as " + type.getSimpleName(), e);
    }
  }

  private static <T> T fromJson(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not read back", e);
    }
  }

  /** Update-then-insert is portable SQL; a concurrent insert of the same key makes it try once more. */
  private static <T> T retryOnDuplicate(Supplier<T> write) {
    try {
      return write.get();
    } catch (UnableToExecuteStatementException e) {
      if (isDuplicate(e)) {
        return write.get();
      }
      throw e;
    }
  }

  private static boolean isDuplicate(UnableToExecuteStatementException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && DUPLICATE_KEY.equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static RegistryConflictException duplicateRollout(String rolloutId) {
    return new RegistryConflictException("rollout " + rolloutId + " already exists");
  }

  private static String afterOrStart(String afterRobotId) {
    return afterRobotId == null ? "" : afterRobotId; // every robot ID sorts after the empty string
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }
}
