package io.otaflow.registry;

import static io.otaflow.registry.RegistryJdbc.timestamp;

import com.fasterxml.jackson.core.type.TypeReference;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What the control plane's metrics count, read from the registry in a few grouped queries: rollouts by status, the
 * audit trail's new final states, the fleet by installed version and by its latest telemetry.
 */
public class RegistryCounts {

  private final Jdbi jdbi;
  private final Clock clock;

  public RegistryCounts(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi);
    this.clock = Objects.requireNonNull(clock);
  }

  /** Rollouts per status name, statuses no rollout has left out. */
  public Map<String, Long> rolloutsByStatus() {
    return jdbi.withHandle(h -> grouped(h, "SELECT status AS name, COUNT(*) AS n FROM rollouts GROUP BY status"));
  }

  /**
   * The audit trail's events after {@code afterEventId}: read once from the start, then only what is new, so that the
   * counts derived from it only ever grow and cost little.
   *
   * @param rolloutStatuses rollouts that took each status (a status taken again by the same rollout counts once)
   * @param robotStates     robots that took each state in a rollout (likewise), by state, then by {@link #stage}
   * @param rolloutsEnded   the rollouts that took one of {@code endStatuses} in these events
   * @param lastEventId     the highest event ID read (the next call's {@code afterEventId})
   */
  public record EventTally(Map<String, Long> rolloutStatuses, Map<String, Map<String, Long>> robotStates,
                           List<String> rolloutsEnded, long lastEventId) {

    /** Robots that took {@code state}, whatever their stage. */
    public long robotsIn(String state) {
      return robotStates.getOrDefault(state, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * A robot's stage as a metric tag: its position in the plan, 1 for the first, whatever the stages are named (names
   * are free text; positions are few); {@code none} for a robot no stage assignment listed.
   */
  public static String stage(Integer stageIndex) {
    return stageIndex == null || stageIndex < 0 ? "none" : String.valueOf(stageIndex + 1);
  }

  public EventTally eventsAfter(long afterEventId, List<String> endStatuses) {
    return jdbi.inTransaction(h -> {
      long last = RolloutEventLog.latestEventId(h);
      Map<String, Long> rolloutStatuses = new HashMap<>();
      Map<String, Map<String, Long>> robotStates = new HashMap<>();
      // A state recorded again for the same robot (or status for the same rollout), by a retried activity or the
      // reconciler, is the same fact: only its first record counts. Robot and rollout events are looked up apart,
      // each by equalities the index rollout_events_robot answers (a COALESCE over robot_id would scan the trail).
      for (Map<String, Object> row : h.createQuery("SELECT e.kind, e.status, rr.stage_index, COUNT(*) AS n"
              + " FROM rollout_events e LEFT JOIN rollout_robots rr"
              + " ON rr.rollout_id = e.rollout_id AND rr.robot_id = e.robot_id"
              + " WHERE e.id > :after AND e.id <= :last AND e.kind IN (:rolloutStatus, :robotState)"
              + " AND NOT EXISTS (SELECT 1 FROM rollout_events earlier WHERE earlier.rollout_id = e.rollout_id"
              + " AND earlier.robot_id = e.robot_id AND earlier.kind = e.kind AND earlier.status = e.status"
              + " AND earlier.id < e.id)"
              + " AND NOT EXISTS (SELECT 1 FROM rollout_events earlier WHERE e.robot_id IS NULL"
              + " AND earlier.rollout_id = e.rollout_id AND earlier.robot_id IS NULL AND earlier.kind = e.kind"
              + " AND earlier.status = e.status AND earlier.id < e.id)"
              + " GROUP BY e.kind, e.status, rr.stage_index")
          .bind("after", afterEventId).bind("last", last).bind("rolloutStatus", RolloutEventRecord.ROLLOUT_STATUS)
          .bind("robotState", RolloutEventRecord.ROBOT_STATE).mapToMap().list()) {
        String status = (String) row.get("status");
        long n = ((Number) row.get("n")).longValue();
        if (RolloutEventRecord.ROLLOUT_STATUS.equals(row.get("kind"))) {
          rolloutStatuses.merge(status, n, Long::sum);
        } else {
          Number stageIndex = (Number) row.get("stage_index");
          robotStates.computeIfAbsent(status, s -> new HashMap<>())
              .merge(stage(stageIndex == null ? null : stageIndex.intValue()), n, Long::sum);
        }
      }
      List<String> ended = endStatuses.isEmpty() ? List.of() : h.createQuery("SELECT DISTINCT rollout_id"
              + " FROM rollout_events WHERE id > :after AND id <= :last AND kind = :kind AND status IN (<statuses>)")
          .bind("after", afterEventId).bind("last", last).bind("kind", RolloutEventRecord.ROLLOUT_STATUS)
          .bindList("statuses", endStatuses).mapTo(String.class).list();
      return new EventTally(rolloutStatuses, robotStates, ended, last);
    });
  }

  /**
   * Part of the fleet as its latest reports show it: the robots on one installed version ("none" before any) at one
   * site.
   *
   * @param site  the value of the site label ("none" on robots without it); null when the fleet is not split by site
   * @param stale robots whose latest report is older than the limit, or that never reported
   */
  public record FleetGroup(String version, String site, long robots, long stale, long hot, long batteryLow) {
  }

  /**
   * The fleet by installed version and, with {@code siteLabel}, by that label's value: one grouped query, by version
   * and by label set (few distinct ones in a fleet labelled by site and model), folded here by site.
   *
   * @param siteLabel null: not split by site
   */
  public List<FleetGroup> fleet(Duration staleAfter, double hotAboveC, double batteryLowBelowPercent,
                                String siteLabel) {
    Instant staleBefore = clock.instant().minus(staleAfter);
    String version = "COALESCE(r.installed_version, 'none')";
    // Cast: H2 cannot group by a TEXT (CLOB) column; labels are far shorter.
    String labels = "CAST(r.labels AS VARCHAR(4000))";
    List<FleetGroup> rows = jdbi.withHandle(h -> h.createQuery("SELECT " + version + " AS version, "
            + (siteLabel == null ? "CAST(NULL AS VARCHAR(4000))" : labels) + " AS labels, COUNT(*) AS n,"
            + " SUM(CASE WHEN t.robot_id IS NULL OR t.received_at < :staleBefore THEN 1 ELSE 0 END) AS stale,"
            + " SUM(CASE WHEN t.temperature_c > :hot THEN 1 ELSE 0 END) AS hot,"
            + " SUM(CASE WHEN t.battery_percent < :low THEN 1 ELSE 0 END) AS low"
            + " FROM robots r LEFT JOIN robot_telemetry t ON t.robot_id = r.robot_id"
            + " GROUP BY " + version + (siteLabel == null ? "" : ", " + labels))
        .bind("staleBefore", timestamp(staleBefore)).bind("hot", hotAboveC).bind("low", batteryLowBelowPercent)
        .map((rs, ctx) -> new FleetGroup(rs.getString("version"), site(rs.getString("labels"), siteLabel),
            rs.getLong("n"), rs.getLong("stale"), rs.getLong("hot"), rs.getLong("low")))
        .list());
    Map<List<String>, FleetGroup> bySite = new LinkedHashMap<>();
    for (FleetGroup row : rows) {
      bySite.merge(Arrays.asList(row.version(), row.site()), row, (a, b) -> new FleetGroup(a.version(), a.site(),
          a.robots() + b.robots(), a.stale() + b.stale(), a.hot() + b.hot(), a.batteryLow() + b.batteryLow()));
    }
    return List.copyOf(bySite.values());
  }

  private static String site(String labelsJson, String siteLabel) {
    if (siteLabel == null) {
      return null;
    }
    Map<String, String> labels = RegistryJdbc.fromJson(labelsJson, new TypeReference<Map<String, String>>() { });
    return labels.getOrDefault(siteLabel, "none");
  }

  /**
   * Running rollouts that have run longer than their plan's {@code progressDeadline} since they last became RUNNING: a
   * stage starting, a person's resume or the rollback phase starting each record RUNNING, and a pause or a wait for
   * approval stops the clock, as they are not RUNNING.
   */
  public long stagesPastDeadline() {
    Instant now = clock.instant();
    return jdbi.withHandle(h -> h.createQuery("SELECT r.plan_json, MAX(e.recorded_at) AS running_since FROM rollouts r"
            + " JOIN rollout_events e ON e.rollout_id = r.rollout_id AND e.kind = :kind AND e.status = :running"
            + " WHERE r.status = :running GROUP BY r.rollout_id, r.plan_json")
        .bind("kind", RolloutEventRecord.ROLLOUT_STATUS).bind("running", RolloutStatus.RUNNING.name())
        .map((rs, ctx) -> {
          Duration deadline = RegistryJdbc.fromJson(rs.getString("plan_json"), RolloutPlan.class).progressDeadline();
          return deadline != null && RegistryJdbc.instant(rs, "running_since").plus(deadline).isBefore(now);
        })
        .stream().filter(Boolean::booleanValue).count());
  }

  /** A query's {@code name, n} rows as a map. */
  private static Map<String, Long> grouped(Handle h, String sql) {
    return h.createQuery(sql).map((rs, ctx) -> Map.entry(rs.getString("name"), rs.getLong("n"))).list().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
