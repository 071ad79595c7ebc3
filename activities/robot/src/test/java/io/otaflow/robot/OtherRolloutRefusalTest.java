package io.otaflow.robot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.release.Release;
import io.otaflow.robot.fixtures.BuiltArtifact;
import io.otaflow.robot.fixtures.ReleaseArtifacts;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.SlotActivities;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defence in depth behind the control plane's leases: while a robot is in the middle of one rollout's update (applied,
 * not committed), it refuses to download, apply or commit for another rollout, naming the one in progress.
 */
class OtherRolloutRefusalTest {

  /** One robot step, sent from a workflow whose ID says which rollout it belongs to, as robot updates are. */
  @WorkflowInterface
  public interface RobotStepWorkflow {
    @WorkflowMethod
    void run(String step, Release release, StagedArtifact staged);
  }

  public static class RobotStepWorkflowImpl implements RobotStepWorkflow {
    private final ActivityOptions options = ActivityOptions.newBuilder()
        .setTaskQueue(QUEUE)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();

    @Override
    public void run(String step, Release release, StagedArtifact staged) {
      DownloadActivities download = Workflow.newActivityStub(DownloadActivities.class, options);
      SlotActivities slots = Workflow.newActivityStub(SlotActivities.class, options);
      switch (step) {
        case "download" -> download.download(release);
        case "apply" -> slots.apply(release, staged);
        case "commit" -> slots.commit(release);
        case "rollback" -> slots.rollback(release);
        default -> throw new IllegalArgumentException(step);
      }
    }
  }

  private static final String QUEUE = "robot-r1";

  @TempDir
  Path temp;

  private TestWorkflowEnvironment env;
  private ArtifactServer server;
  private RobotDisk disk;

  @BeforeEach
  void startRobot() throws Exception {
    server = new ArtifactServer();
    BuiltArtifact v1 = ReleaseArtifacts.build(temp.resolve("v1.tar.gz"), "1.0.0");
    disk = RobotDisk.seed(temp.resolve("robot"), v1.path(), "1.0.0");
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(RobotStepWorkflowImpl.class);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    worker.registerActivitiesImplementations(
        new HttpDownloadActivities(disk, dir -> Long.MAX_VALUE, meters,
            HttpDownloadActivities.Limits.DEFAULTS, ReleaseManifestCheck.noTrustedKeys()),
        new DiskSlotActivities(disk, RobotDisk.DEFAULT_MAX_EXPANDED_BYTES, meters, ApplyHooks.defaults(disk.dir()),
            PassingProbes.ROUND));
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
    server.close();
  }

  /** A step sent by one of the rollout's robot updates. */
  private void step(String rolloutId, String step, Release release, StagedArtifact staged) {
    stepFrom(OtaflowNames.robotWorkflowId(rolloutId, "r1") + "/" + step, step, release, staged);
  }

  private void stepFrom(String workflowId, String step, Release release, StagedArtifact staged) {
    env.getWorkflowClient().newWorkflowStub(RobotStepWorkflow.class, WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId).setTaskQueue(QUEUE).build())
        .run(step, release, staged);
  }

  private Release served(String version) {
    BuiltArtifact artifact = ReleaseArtifacts.build(temp.resolve("releases/" + version + ".tar.gz"), version);
    return artifact.toRelease(version, server.file("/releases/" + version + ".tar.gz", artifact.path()), "");
  }

  private static String refusal(Runnable step) {
    Throwable thrown = catchThrowable(step::run);
    assertThat(thrown).isInstanceOf(WorkflowFailedException.class);
    assertThat(thrown.getCause()).isInstanceOf(ActivityFailure.class);
    ApplicationFailure failure = (ApplicationFailure) thrown.getCause().getCause();
    assertThat(failure.getType()).isEqualTo(RobotSideErrors.OTHER_ROLLOUT);
    return failure.getOriginalMessage();
  }

  @Test
  void robotInTheMiddleOfOneRolloutRefusesAnotherUntilTheFirstCommits() {
    Release v2 = served("2.0.0");
    Release v3 = served("3.0.0");
    StagedArtifact v2Staged = new StagedArtifact(
        temp.resolve("releases/2.0.0.tar.gz").toString(), v2.sha256(), v2.sizeBytes());
    step("A", "apply", v2, v2Staged);
    assertThat(disk.readState().updatingRollout()).isEqualTo("A");

    String inProgress = "robot is in the middle of rollout A's update (2.0.0 applied, not committed): "
        + "it must commit or roll back first";
    assertThat(refusal(() -> step("B", "download", v3, null))).isEqualTo("download: " + inProgress);
    assertThat(refusal(() -> step("B", "apply", v3, v2Staged))).isEqualTo("apply: " + inProgress);
    assertThat(refusal(() -> step("B", "commit", v2, null))).isEqualTo("commit: " + inProgress);
    // The rollout's own rollback phase sends its steps from the rollout's workflow.
    assertThat(refusal(() -> stepFrom(OtaflowNames.rolloutWorkflowId("B"), "rollback", v2, null)))
        .isEqualTo("rollback: " + inProgress);
    assertThat(disk.readState().installedVersion()).isEqualTo("2.0.0");

    step("A", "commit", v2, null);
    assertThat(disk.readState().updatingRollout()).isNull();
    step("B", "download", v3, null);
  }
}
