package io.otaflow.cli.bench;

import io.otaflow.release.Release;
import io.otaflow.robotupdate.DownloadActivities;
import io.otaflow.robotupdate.RobotActivityOptions;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The two steps with the options a robot update gives them (timeouts, retries, the download's heartbeat timeout). */
public class DownloadBenchWorkflowImpl implements DownloadBenchWorkflow {

  /** How long a step may wait for the robot process to poll: covers the restart after a kill. */
  private static final Duration ROBOT_TIMEOUT = Duration.ofMinutes(5);

  @Override
  public StagedArtifact downloadAndVerify(Release release) {
    StagedArtifact staged = Workflow.newActivityStub(DownloadActivities.class,
        RobotActivityOptions.download(ROBOT, ROBOT_TIMEOUT)).download(release);
    Workflow.newActivityStub(DownloadActivities.class, RobotActivityOptions.slot(ROBOT, ROBOT_TIMEOUT))
        .verify(release, staged);
    return staged;
  }
}
