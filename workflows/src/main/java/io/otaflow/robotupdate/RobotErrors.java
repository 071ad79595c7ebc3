package io.otaflow.robotupdate;

import java.util.List;

/**
 * ApplicationFailure types thrown by robot activities. The permanent ones are thrown non-retryable by the
 * activity and also listed in the workflow's retry options, so a retry can never mask them.
 */
public final class RobotErrors {

  /** Downloaded bytes hash to something other than the release's SHA-256. */
  public static final String CHECKSUM_MISMATCH = "ChecksumMismatch";
  /** The server sent fewer or more bytes than the release declares. */
  public static final String SIZE_MISMATCH = "SizeMismatch";
  /** The archive cannot be read or holds an entry that would escape the slot. */
  public static final String ARCHIVE_INVALID = "ArchiveInvalid";
  /** Not enough free space on the robot for the download or the slot. */
  public static final String DISK_FULL = "DiskFull";
  /** The artifact URL answered with a client error (404, 403...): retrying will not help. */
  public static final String ARTIFACT_UNAVAILABLE = "ArtifactUnavailable";

  public static final List<String> PERMANENT =
      List.of(CHECKSUM_MISMATCH, SIZE_MISMATCH, ARCHIVE_INVALID, DISK_FULL, ARTIFACT_UNAVAILABLE);

  private RobotErrors() {
  }
}
