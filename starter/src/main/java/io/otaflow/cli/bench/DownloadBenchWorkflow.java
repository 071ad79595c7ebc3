package io.otaflow.cli.bench;

import io.otaflow.release.Release;
import io.otaflow.robotupdate.StagedArtifact;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The download and verify steps of a robot update, alone: what {@code otaflow bench download} times. */
@WorkflowInterface
public interface DownloadBenchWorkflow {

  /** The robot whose queue the bench's robot process serves. */
  String ROBOT = "bench-download";

  @WorkflowMethod
  StagedArtifact downloadAndVerify(Release release);
}
