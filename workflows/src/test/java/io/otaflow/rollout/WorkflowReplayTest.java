package io.otaflow.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.otaflow.robotupdate.RobotRollbackWorkflowImpl;
import io.otaflow.robotupdate.RobotUpdateWorkflowImpl;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays histories recorded from earlier versions of the workflows (src/test/resources/histories). A change that
 * makes the workflow code take a different path on an old history fails here: guard it with Workflow.getVersion.
 * To add histories, run the tests that record them (RolloutWorkflowTest, RolloutWebUiTest) with
 * -Dotaflow.recordHistories=true from the workflows module.
 */
class WorkflowReplayTest {

  private static TestWorkflowEnvironment env;
  private static Worker replayer;

  /**
   * One worker for every history, with a deadlock timeout far above the SDK's 1 s: on a loaded machine the first replay
   * loads every class and can hold its thread that long without any deadlock.
   */
  @BeforeAll
  static void startReplayer() {
    env = TestWorkflowEnvironment.newInstance();
    replayer = env.newWorker("replay", WorkerOptions.newBuilder()
        .setDefaultDeadlockDetectionTimeout(Duration.ofMinutes(1).toMillis())
        .build());
    replayer.registerWorkflowImplementationTypes(RolloutWorkflowImpl.class, RobotUpdateWorkflowImpl.class,
        RobotRollbackWorkflowImpl.class);
  }

  @AfterAll
  static void stopReplayer() {
    env.close();
  }

  static Stream<String> histories() throws URISyntaxException, IOException {
    Path folder = Path.of(WorkflowReplayTest.class.getResource("/histories").toURI());
    try (Stream<Path> files = Files.list(folder)) {
      List<String> names = files.map(file -> file.getFileName().toString()).sorted().toList();
      assertThat(names).as("recorded histories").hasSizeGreaterThanOrEqualTo(10);
      return names.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("histories")
  void recordedHistoryReplaysOnTheCurrentCode(String history) {
    assertThatCode(() -> WorkflowReplayer.replayWorkflowExecutionFromResource("histories/" + history, replayer))
        .doesNotThrowAnyException();
  }
}
