package io.otaflow.robotupdate;

import io.otaflow.release.Release;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Robot side: bring a release's artifact onto the robot and prove it is the one that was released. */
@ActivityInterface
public interface DownloadActivities {

  /**
   * Streams the artifact over HTTP into the robot's staging area, hashing as it goes and heartbeating progress.
   * Network errors and 5xx answers are retryable; a size other than the release's is {@link RobotErrors#SIZE_MISMATCH}.
   */
  @ActivityMethod
  StagedArtifact download(Release release);

  /**
   * Checks the staged artifact against the release (size and SHA-256). On mismatch the staged file is deleted
   * and {@link RobotErrors#CHECKSUM_MISMATCH} is thrown: nothing reaches a slot.
   */
  @ActivityMethod
  void verify(Release release, StagedArtifact artifact);
}
