package io.otaflow.robotside;

import io.otaflow.release.Release;
import java.nio.file.Path;

/** A release archive written by {@link ReleaseArtifacts#build}: what the control plane registers. */
public record BuiltArtifact(Path path, String sha256, long sizeBytes) {

  /** The release robots would receive when this file is served at {@code artifactUrl}. */
  public Release toRelease(String version, String artifactUrl, String changelog) {
    return new Release(version, artifactUrl, sha256, sizeBytes, changelog);
  }
}
