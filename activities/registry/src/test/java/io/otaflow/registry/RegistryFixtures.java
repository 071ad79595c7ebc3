package io.otaflow.registry;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.release.Release;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Shared test data: the repositories over a test database ({@link OnEachDatabase}), a release, the four-stage plan. */
final class RegistryFixtures {

  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private RegistryFixtures() {
  }

  /** Every repository over one database, as the control plane wires them. */
  record Repositories(RobotRepository robots, ReleaseRepository releases, RolloutRepository rollouts,
                      RolloutRobotRepository rolloutRobots, RolloutEventLog events, TelemetryRepository telemetry,
                      RobotLeases leases) {

    JdbiRolloutRegistryActivities rolloutActivities() {
      return new JdbiRolloutRegistryActivities(robots, rollouts, rolloutRobots, leases);
    }
  }

  static Repositories repositories(Jdbi jdbi) {
    return repositories(jdbi, Clock.systemUTC());
  }

  static Repositories repositories(Jdbi jdbi, Clock clock) {
    return new Repositories(new RobotRepository(jdbi, clock), new ReleaseRepository(jdbi, clock),
        new RolloutRepository(jdbi, clock), new RolloutRobotRepository(jdbi, clock), new RolloutEventLog(jdbi),
        new TelemetryRepository(jdbi, clock), new RobotLeases(jdbi));
  }

  static Release release(String version) {
    return new Release(version, "https://releases.example.com/otaflow-" + version + ".tar.gz", "a".repeat(64), 4096,
        "fixes", null);
  }

  /** canary 1 robot, then 10%, 50%, 100%. */
  static RolloutPlan fourStagePlan() {
    return new RolloutPlan(java.util.List.of(
        StagePlan.canary("canary", 1, Duration.ofMinutes(5), 1.0),
        StagePlan.percent("10%", 10, Duration.ofMinutes(10), 0.9),
        new StagePlan("50%", null, 50, Duration.ofMinutes(30), 0.95, true),
        StagePlan.percent("100%", 100, Duration.ZERO, 0.95)),
        20, Duration.ofMinutes(15), 3, Duration.ofSeconds(90));
  }

  static String robotId(int i) {
    return String.format("r%05d", i);
  }

  /** Many robots in one batch: registering them one by one would make large-fleet tests slow. */
  static void insertRobots(Jdbi jdbi, int count) {
    jdbi.useTransaction(h -> {
      PreparedBatch batch = h.prepareBatch("INSERT INTO robots (robot_id, labels, installed_version, registered_at,"
          + " last_seen_at) VALUES (:id, '{}', '1.0.0', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      IntStream.range(0, count).forEach(i -> batch.bind("id", robotId(i)).add());
      batch.execute();
    });
  }

  /**
   * Every page of a list, walked as the REST API walks it: asking one row more than it shows tells whether a next page
   * follows, which starts after the key of the last row shown.
   *
   * @param page  the page after a key (the first page after {@code first}) of at most so many rows
   * @param first the key before the first row (null, or 0 for event IDs)
   */
  static <T, K> List<List<T>> pages(BiFunction<K, Integer, List<T>> page, Function<T, K> key, K first, int limit) {
    List<List<T>> pages = new ArrayList<>();
    K after = first;
    while (true) {
      List<T> rows = page.apply(after, limit + 1);
      List<T> shown = rows.subList(0, Math.min(limit, rows.size()));
      pages.add(shown);
      if (rows.size() <= limit) {
        return pages;
      }
      after = key.apply(shown.get(shown.size() - 1));
    }
  }

  /** A clock the test moves by hand. */
  static final class TestClock extends Clock {
    private Instant now;

    TestClock(Instant start) {
      now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
