package io.otaflow.robot;

/**
 * ApplicationFailure types the robot-side activities use in addition to {@link io.otaflow.robotupdate.RobotErrors}.
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

  // Signed releases: a robot with trusted keys refuses a release its manifest does not vouch for. All non-retryable.
  /** The manifest's signature does not match it (altered after signing, or signed with another key). */
  public static final String BAD_SIGNATURE = "BadSignature";
  /** The manifest was signed with a key the robot does not trust. */
  public static final String UNKNOWN_KEY = "UnknownKey";
  /** The manifest's validity ended (a replayed old manifest). */
  public static final String MANIFEST_EXPIRED = "ManifestExpired";
  /** The manifest's release number is lower than the installed one and it is not a signed rollback. */
  public static final String DOWNGRADE = "Downgrade";
  /** The downloaded artifact is not the one the manifest names. */
  public static final String HASH_MISMATCH = "HashMismatch";
  /** The manifest is for another version or size than the release it came with. */
  public static final String MANIFEST_MISMATCH = "ManifestMismatch";
  /** The release carries no signed manifest, and the robot trusts keys. */
  public static final String UNSIGNED_RELEASE = "UnsignedRelease";
  /** The release's signed manifest is not readable JSON of a signed manifest. */
  public static final String MANIFEST_INVALID = "ManifestInvalid";
  /** The manifest's target labels name a label this robot does not carry, or carries with another value. */
  public static final String NOT_TARGETED = "NotTargeted";

  /** apply was refused because the robot's kill switch file exists: non-retryable, nothing changed. */
  public static final String KILL_SWITCH = "KillSwitch";
  /**
   * A beforeSwitch hook failed (nothing switched) or an afterSwitch hook failed (switched back): non-retryable.
   */
  public static final String HOOK_FAILED = "ApplyHookFailed";

  /** The robot's container engine could not be reached, or failed a call other than a pull: retryable. */
  public static final String ENGINE_FAILED = "ContainerEngineFailed";
  /** The release's artifact is of a kind this agent does not install (a container image): non-retryable. */
  public static final String UNSUPPORTED_ARTIFACT = "UnsupportedArtifact";
  /** The robot is in the middle of another rollout's update (state.json says which): non-retryable. */
  public static final String OTHER_ROLLOUT = "OtherRolloutInProgress";
  /** rollback found no previous release on the robot to go back to: non-retryable. */
  public static final String NO_PREVIOUS_RELEASE = "NoPreviousRelease";
  /** The previous release is back but failed a probe right after: non-retryable (probes are the verdict). */
  public static final String UNHEALTHY_AFTER_ROLLBACK = "UnhealthyAfterRollback";

  private RobotSideErrors() {
  }

  /** The first line of a message from below (an engine, a parser), for a one-line failure; "no message" for none. */
  static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline);
  }
}
