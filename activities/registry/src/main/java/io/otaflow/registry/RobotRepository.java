package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.fromJson;
import static io.otaflow.registry.RegistryJdbc.instant;
import static io.otaflow.registry.RegistryJdbc.retryOnDuplicate;
import static io.otaflow.registry.RegistryJdbc.timestamp;
import static io.otaflow.registry.RegistryJdbc.toJson;

import com.fasterxml.jackson.core.type.TypeReference;
import io.otaflow.plan.TargetSelector;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet: table {@code robots}, one row per robot that ever registered, and {@code robot_labels}, its labels as rows
 * SQL filters on. {@code robots.labels} keeps the same labels as JSON, written in the same transaction: a display copy,
 * so that a page of robots reads each robot, labels included, from its own row (no join repeating it per label, no
 * second query); filters never read it.
 */
public class RobotRepository {

  private static final Logger log = LoggerFactory.getLogger(RobotRepository.class);

  private final Jdbi jdbi;
  private final Clock clock;

  public RobotRepository(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /**
   * Adds the robot, or refreshes its labels, installed version, last-seen time and, when {@code agentVersion} is not
   * null, the version of the agent it runs. Its labels are replaced in the same transaction.
   */
  public void registerRobot(String robotId, Map<String, String> labels, String installedVersion,
                            String agentVersion) {
    Map<String, String> sortedLabels = new TreeMap<>(labels == null ? Map.of() : labels);
    String labelsJson = toJson(sortedLabels);
    Instant now = RegistryJdbc.now(clock);
    retryOnDuplicate(() -> jdbi.inTransaction(h -> {
      int updated = h.createUpdate("UPDATE robots SET labels = :labels, installed_version = :version,"
              + " agent_version = COALESCE(:agent, agent_version), last_seen_at = :now WHERE robot_id = :id")
          .bind("id", robotId).bind("labels", labelsJson).bind("version", installedVersion)
          .bind("agent", agentVersion).bind("now", timestamp(now))
          .execute();
      if (updated == 0) {
        h.createUpdate("INSERT INTO robots (robot_id, labels, installed_version, agent_version, registered_at,"
                + " last_seen_at) VALUES (:id, :labels, :version, :agent, :now, :now)")
            .bind("id", robotId).bind("labels", labelsJson).bind("version", installedVersion)
            .bind("agent", agentVersion).bind("now", timestamp(now))
            .execute();
      }
      replaceLabels(h, robotId, sortedLabels);
      return null;
    }));
    log.debug("registered robot {} labels={} installed={} agent={}", robotId, labelsJson, installedVersion,
        agentVersion);
  }

  /** Within {@code h}'s transaction, after the robot's row: its labels become exactly {@code labels}. */
  private static void replaceLabels(Handle h, String robotId, Map<String, String> labels) {
    h.createUpdate("DELETE FROM robot_labels WHERE robot_id = :id").bind("id", robotId).execute();
    if (labels.isEmpty()) {
      return;
    }
    PreparedBatch batch = h.prepareBatch("INSERT INTO robot_labels (robot_id, label_name, label_value)"
        + " VALUES (:id, :name, :value)");
    labels.forEach((name, value) -> batch.bind("id", robotId).bind("name", name).bind("value", value).add());
    batch.execute();
  }

  public Optional<RobotRecord> robot(String robotId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM robots WHERE robot_id = :id")
        .bind("id", robotId).map((rs, ctx) -> robotRow(rs)).findOne());
  }

  /** One page of the fleet, in one query. */
  public List<RobotRecord> robots(RobotQuery query) {
    RobotFilter filter = new RobotFilter(query.labels(), query.installedVersion());
    return jdbi.withHandle(h -> filter.bind(h.createQuery("SELECT r.*" + filter.fromWhere()
            + " ORDER BY r.robot_id LIMIT :limit"), query.afterRobotId())
        .bind("limit", query.limit()).map((rs, ctx) -> robotRow(rs)).list());
  }

  /**
   * Robot IDs (ascending) the selector picks: the listed IDs when there are any, narrowed to robots carrying every
   * label when labels are given; both empty means the whole fleet.
   *
   * @throws UnknownRobotException naming every listed ID the registry does not know
   */
  public List<String> matchingRobots(TargetSelector target) {
    RobotFilter filter = new RobotFilter(target.labels(), null);
    List<String> labelled = jdbi.withHandle(h -> filter.bind(h.createQuery("SELECT r.robot_id" + filter.fromWhere()
        + " ORDER BY r.robot_id"), null).mapTo(String.class).list());
    if (target.robotIds().isEmpty()) {
      return labelled;
    }
    // Every known ID rather than a list of the requested ones bound as parameters: a target may list 100,000 robots.
    Set<String> known = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT robot_id FROM robots")
        .mapTo(String.class).list()));
    Set<String> requested = new LinkedHashSet<>(target.robotIds());
    List<String> unknown = requested.stream().filter(id -> !known.contains(id)).toList();
    if (!unknown.isEmpty()) {
      throw new UnknownRobotException(unknown);
    }
    return labelled.stream().filter(requested::contains).toList();
  }

  /**
   * The robots a rollout of {@code releaseVersion} to {@code target} takes: those matching it, less those already
   * running the release (nothing to install on them, and nothing a rollback of the rollout should take from them).
   *
   * @throws UnknownRobotException when the target names robots the registry does not know
   */
  public Set<String> rolloutTargets(TargetSelector target, String releaseVersion) {
    Set<String> upToDate = robotsRunning(releaseVersion);
    Set<String> targets = new LinkedHashSet<>(matchingRobots(target));
    targets.removeAll(upToDate);
    return targets;
  }

  /** IDs of the robots whose installed version is {@code version}. */
  public Set<String> robotsRunning(String version) {
    return new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT robot_id FROM robots WHERE installed_version = :v")
        .bind("v", version).mapTo(String.class).list()));
  }

  /**
   * Within {@code h}'s transaction: the robot now runs {@code version} and was just seen; a change of version is stored
   * in its history as {@code outcome} in the rollout ({@link RobotVersionHistory#ROLLOUT}). Returns false for a robot
   * the registry does not know.
   */
  static boolean recordInstalledVersion(Handle h, String robotId, String version, String rolloutId, String outcome,
                                        String reason, Instant now) {
    // Empty when the robot is unknown; an empty Optional inside when it runs no release yet.
    // Locked: an offline install reported at the same moment must not record the same previous version.
    Optional<Optional<String>> row = h.createQuery("SELECT installed_version FROM robots WHERE robot_id = :robot"
            + " FOR UPDATE")
        .bind("robot", robotId).map((rs, ctx) -> Optional.ofNullable(rs.getString(1))).findFirst();
    if (row.isEmpty()) {
      return false;
    }
    Optional<String> before = row.get();
    h.createUpdate("UPDATE robots SET installed_version = :version, last_seen_at = :now WHERE robot_id = :robot")
        .bind("robot", robotId).bind("version", version).bind("now", timestamp(now)).execute();
    if (!version.equals(before.orElse(null))) {
      RobotVersionHistory.append(h, new RobotVersionHistory.Change(robotId, version, before.orElse(null),
          RobotVersionHistory.ROLLOUT, outcome, "rollout " + rolloutId + (reason == null ? "" : ": " + reason), now),
          now);
    }
    return true;
  }

  private static RobotRecord robotRow(ResultSet rs) throws SQLException {
    return new RobotRecord(rs.getString("robot_id"), readLabels(rs.getString("labels")),
        rs.getString("installed_version"), instant(rs, "registered_at"), instant(rs, "last_seen_at"),
        rs.getString("agent_version"));
  }

  private static Map<String, String> readLabels(String json) {
    return Collections.unmodifiableMap(fromJson(json, new TypeReference<TreeMap<String, String>>() { }));
  }
}
