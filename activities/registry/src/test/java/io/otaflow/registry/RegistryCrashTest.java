package io.otaflow.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.domain.RobotUpdateState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry write that returned is on disk: the process that made it is killed ({@code kill -9}) the moment it
 * says so, and every row is there when the database is opened again. (With H2's default write delay the last half
 * second of commits was lost.)
 */
class RegistryCrashTest {

  static final List<RobotUpdateState> STEPS = List.of(RobotUpdateState.DOWNLOADING, RobotUpdateState.VERIFIED,
      RobotUpdateState.APPLIED, RobotUpdateState.HEALTH_CHECKING, RobotUpdateState.COMMITTED);

  /** Run in a separate JVM: records a robot's steps in the registry at JDBC URL args[0], says so, waits to be killed. */
  public static final class WriteThenWait {
    public static void main(String[] args) throws InterruptedException {
      RolloutRobotRepository rows = new RolloutRobotRepository(FleetDatabase.open(args[0], "", ""),
          Clock.systemUTC());
      for (RobotUpdateState step : STEPS) {
        rows.recordRobotState("ro-1", "r1", step, null, step == RobotUpdateState.COMMITTED ? "2.0.0" : null);
      }
      System.out.println("written");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }

  /** On H2 each commit is written before it returns (WRITE_DELAY=0); PostgreSQL commits synchronously by default. */
  @OnEachDatabase
  void everyWriteThatReturnedSurvivesAKillNineRightAfter(TestDatabase database) throws Exception {
    Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), WriteThenWait.class.getName(), database.url())
        .redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("written")) {
        // the writer's log lines
      }
      assertThat(line).as("the writer said it had written").isEqualTo("written");
      writer.destroyForcibly();
    }
    assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();

    var registry = RegistryFixtures.repositories(database.jdbi());
    assertThat(registry.rolloutRobots().countsByState("ro-1")).containsEntry(RobotUpdateState.COMMITTED, 1)
        .containsEntry(RobotUpdateState.HEALTH_CHECKING, 0);
    assertThat(registry.events().events("ro-1")).extracting(RolloutEventRecord::status)
        .containsExactlyElementsOf(STEPS.stream().map(Enum::name).toList());
  }

  /**
   * A {@code kill -9} at any instant leaves the file as it is then: copied after every write, each copy opens with
   * every write that returned. H2 2.5.250 and 2.5.252 failed this once a write went into space freed earlier (a chunk
   * written into a gap, which their crash recovery did not find again: the copy opened as it was before it), which
   * repeated {@code kill -9}s of the control plane hit. RETENTION_TIME=0 lets H2 reuse freed space at once instead of
   * after 45 s, so that the test gets there in a few hundred writes.
   */
  @Test
  void everyWriteThatReturnedIsInTheH2FileAsAKillNineLeavesItAtAnyMoment(@TempDir Path dataDir) throws Exception {
    Path live = dataDir.resolve("live");
    Path crashed = dataDir.resolve("crashed");
    Files.createDirectories(crashed);
    var registry = RegistryFixtures.repositories(
        FleetDatabase.open(FleetDatabase.h2FileUrl(live) + ";RETENTION_TIME=0", "", ""));
    List<String> missing = new ArrayList<>();
    for (int write = 1; write <= 300; write++) {
      registry.rolloutRobots().recordRobotState("ro-1", "r" + write, RobotUpdateState.COMMITTED, null, null);
      Files.copy(live.resolve("otaflow.mv.db"), crashed.resolve("otaflow.mv.db"), StandardCopyOption.REPLACE_EXISTING);
      try (Connection copy = DriverManager.getConnection(FleetDatabase.h2FileUrl(crashed), "", "");
           Statement statement = copy.createStatement()) {
        ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM rollout_robots");
        rows.next();
        if (rows.getInt(1) != write) {
          missing.add("after write " + write + " the file held " + rows.getInt(1) + " rows");
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
