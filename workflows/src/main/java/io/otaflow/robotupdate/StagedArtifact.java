package io.otaflow.robotupdate;

/**
 * A downloaded artifact waiting in the robot's staging area.
 *
 * @param path      absolute path on the robot's disk
 * @param sha256    hex SHA-256 computed while the bytes streamed in
 * @param sizeBytes bytes on disk
 */
public record StagedArtifact(String path, String sha256, long sizeBytes) {
}
