package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.cli.DemoReport.RobotReport;
import io.otaflow.cli.DemoReport.RolloutReport;
import io.otaflow.devstack.SimulatedFleet;
import io.otaflow.domain.RobotUpdateState;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.StagePlanner;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotDiskState;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo, in process, on a smaller fleet: Temporal server, control plane, artifact server and robot workers. */
class DemoEndToEndTest {

  private static final int ROBOTS = 24;

  @TempDir
  Path dataDir;

  @BeforeAll
  static void quietLogging() {
    Logging.takeOver();
  }

  @Test
  void firstRolloutSucceedsAndSecondRollsEveryRobotBack() throws Exception {
    Logging.toFile(dataDir.resolve("otaflow.log"));

    DemoReport report = new Demo(dataDir, ROBOTS, null, null).run();

    assertThat(Demo.problems(report, ROBOTS)).isEmpty();
    RolloutReport first = report.rollouts().get(0);
    assertThat(first.id()).isEqualTo("demo-1");
    assertThat(first.status()).isEqualTo(RolloutStatus.SUCCEEDED);
    assertThat(first.robots()).hasSize(ROBOTS)
        .allSatisfy(robot -> assertThat(robot.outcome()).isEqualTo(RobotUpdateState.COMMITTED));

    RolloutReport second = report.rollouts().get(1);
    assertThat(second.id()).isEqualTo("demo-2");
    assertThat(second.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
    assertThat(second.reason()).startsWith("stage '10%' stopped early: 1 of 2 robots failed");
    List<String> robotIds = IntStream.rangeClosed(1, ROBOTS).mapToObj(i -> SimulatedFleet.robotId(i, ROBOTS)).toList();
    List<List<String>> stages = StagePlanner.assign("demo-2", robotIds, Demo.plan());
    assertThat(second.robots()).filteredOn(robot -> stages.get(0).contains(robot.id()))
        .extracting(RobotReport::outcome).containsOnly(RobotUpdateState.ROLLED_BACK);
    // The first hot robot rolls itself back and stops the stage; the other, already in flight, finishes and rolls
    // itself back too.
    assertThat(second.robots()).filteredOn(robot -> stages.get(1).contains(robot.id()))
        .extracting(RobotReport::outcome).containsOnly(RobotUpdateState.ROLLED_BACK);

    for (String robotId : robotIds) {
      Path robotDir = dataDir.resolve("fleet").resolve(robotId);
      assertThat(Demo.versionOnDisk(robotDir)).as("%s current/VERSION", robotId).isEqualTo("1.0.0");
      RobotDiskState state = new RobotDisk(robotDir).readState();
      assertThat(state.installedVersion()).as("%s state.json", robotId).isEqualTo("1.0.0");
      assertThat(robotDir.resolve("current").toRealPath())
          .as("%s current points at the active slot", robotId)
          .isEqualTo(robotDir.resolve("slots").resolve(state.activeSlot()).toRealPath());
    }
  }
}
