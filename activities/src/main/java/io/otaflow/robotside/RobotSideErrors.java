package io.otaflow.robotside;

/**
 * ApplicationFailure types the robot-side activities use in addition to {@link io.otaflow.robot.RobotErrors}.
 * Retryable ones describe transient trouble; the others are thrown non-retryable by the activity itself.
 */
public final class RobotSideErrors {

  /** Network error or 5xx while downloading, or a truncated body: retryable. */
  public static final String DOWNLOAD_FAILED = "DownloadFailed";
  /** Writing a slot failed for a reason other than a full disk: retryable. */
  public static final String SLOT_WRITE_FAILED = "SlotWriteFailed";
  /** verify was handed a staged artifact that is not (or no longer) in staging: non-retryable. */
  public static final String ARTIFACT_MISSING = "StagedArtifactMissing";
  /** commit was asked for a release that is not the active one: non-retryable. */
  public static final String NOT_ACTIVE = "NotActiveVersion";

  private RobotSideErrors() {
  }
}
