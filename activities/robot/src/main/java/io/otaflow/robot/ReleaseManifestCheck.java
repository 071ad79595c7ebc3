package io.otaflow.robot;

import io.otaflow.release.Release;
import io.otaflow.signing.ManifestRejectedException;
import io.otaflow.signing.ManifestVerifier;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The robot's check of a release's signed manifest, run by {@code verify} once the artifact's size and SHA-256 match
 * the release: the manifest is signed by a trusted key, has not expired, does not downgrade the robot below the
 * release number it runs (unless it is a signed rollback), names the downloaded artifact, is for this release's
 * version, size and image (or archive), and targets this robot: the robot carries every one of its target labels with
 * the same value (a manifest without target labels is for every robot), as a rollout's label selector picks robots.
 * Every refusal is a non-retryable {@link ApplicationFailure} whose message starts {@code verify: } and whose type is
 * one of the signing constants of {@link RobotSideErrors}.
 *
 * <p><b>A robot without trusted keys</b> ({@link #noTrustedKeys()}) cannot check a signature, so it accepts unsigned
 * releases, and for a signed one checks only that the manifest is readable and is for this version, size and robot.
 * This is how robots ran before releases were signed; give a robot keys to make it refuse anything not signed by them.
 */
public final class ReleaseManifestCheck {

  private static final ReleaseManifestCheck NO_TRUSTED_KEYS = new ReleaseManifestCheck(null, Map.of());

  private final ManifestVerifier verifier;
  private final SortedMap<String, String> robotLabels;

  /**
   * @param verifier    the robot's trusted keys; null for a robot that has none (see the class comment)
   * @param robotLabels the robot's own labels (agent.yaml's {@code labels}), matched against the target labels
   */
  public ReleaseManifestCheck(ManifestVerifier verifier, Map<String, String> robotLabels) {
    this.verifier = verifier;
    this.robotLabels = Collections.unmodifiableSortedMap(new TreeMap<>(robotLabels));
  }

  /** A robot with no trusted keys and no labels: unsigned releases are accepted, signatures are not checked. */
  public static ReleaseManifestCheck noTrustedKeys() {
    return NO_TRUSTED_KEYS;
  }

  /**
   * A robot trusting every {@code *.pub} key in {@code trustedKeysDir} (an agent's {@code trustedKeysDir}), or no key
   * when it is null. A directory that is missing or holds no key fails here, at agent start, not at the first update.
   */
  public static ReleaseManifestCheck fromTrustedKeysDir(Path trustedKeysDir, Map<String, String> robotLabels) {
    return new ReleaseManifestCheck(trustedKeysDir == null ? null
        : ManifestVerifier.fromKeyDirectory(trustedKeysDir, Clock.systemUTC()), robotLabels);
  }

  /** The same check for a robot carrying {@code labels}. */
  public ReleaseManifestCheck forRobotLabelled(Map<String, String> labels) {
    return new ReleaseManifestCheck(verifier, labels);
  }

  /** The same check for a robot trusting {@code trustedKeys}. */
  public ReleaseManifestCheck trusting(ManifestVerifier trustedKeys) {
    return new ReleaseManifestCheck(trustedKeys, robotLabels);
  }

  /** For the agent's start-up log: which keys a release must be signed with, and the labels it must target. */
  public String describe() {
    String keys = verifier == null ? "no trusted keys: release signatures are not checked"
        : "releases must be signed by key " + String.join(" or ", verifier.trustedKeyIds());
    return keys + "; target labels are matched against " + (robotLabels.isEmpty() ? "no labels" : labels(robotLabels));
  }

  /**
   * @param artifactSha256 SHA-256 (hex) of the artifact the robot downloaded
   * @param state          the robot's disk state; its {@code releaseNumber} is what a downgrade is measured against
   * @throws ApplicationFailure (non-retryable) when the robot must not install the release
   */
  public void check(Release release, String artifactSha256, RobotDiskState state) {
    SignedManifest signed = signedManifest(release, "verify");
    if (signed == null) {
      if (verifier != null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "verify: release " + release.version() + " is not signed", RobotSideErrors.UNSIGNED_RELEASE);
      }
      return;
    }
    if (verifier != null) {
      try {
        verifier.verify(signed, artifactSha256, state.releaseNumber());
      } catch (ManifestRejectedException e) {
        throw ApplicationFailure.newNonRetryableFailure("verify: " + e.getMessage(), type(e.reason()));
      }
    }
    ReleaseManifest manifest = signed.manifest();
    if (!manifest.version().equals(release.version())) {
      throw ApplicationFailure.newNonRetryableFailure("verify: manifest is for " + manifest.version()
          + ", release is " + release.version(), RobotSideErrors.MANIFEST_MISMATCH);
    }
    if (manifest.sizeBytes() != release.sizeBytes()) {
      throw ApplicationFailure.newNonRetryableFailure("verify: manifest declares " + manifest.sizeBytes()
          + " bytes, release declares " + release.sizeBytes() + " bytes", RobotSideErrors.MANIFEST_MISMATCH);
    }
    if (!Objects.equals(manifest.image(), release.image())) {
      throw ApplicationFailure.newNonRetryableFailure("verify: manifest is for " + artifact(manifest.image())
          + ", release " + release.version() + " is " + artifact(release.image()), RobotSideErrors.MANIFEST_MISMATCH);
    }
    requireTargeted(release, manifest.targetLabels());
  }

  private static String artifact(String image) {
    return image == null ? "an archive" : "image " + image;
  }

  /** Refuses naming the first target label (in key order) this robot lacks or carries with another value. */
  private void requireTargeted(Release release, Map<String, String> targetLabels) {
    targetLabels.forEach((key, wanted) -> {
      String own = robotLabels.get(key);
      if (!wanted.equals(own)) {
        throw ApplicationFailure.newNonRetryableFailure("verify: release " + release.version() + " targets "
            + key + "=" + wanted + ", this robot " + (own == null ? "has no label '" + key + "'"
            : "has " + key + "=" + own), RobotSideErrors.NOT_TARGETED);
      }
    });
  }

  private static String labels(Map<String, String> labels) {
    return labels.entrySet().stream().map(label -> label.getKey() + "=" + label.getValue())
        .collect(Collectors.joining(", "));
  }

  /**
   * The release number {@code apply} records for this release: its manifest's, or null for an unsigned release
   * (the robot keeps the number it had).
   *
   * @throws ApplicationFailure (non-retryable) when the release's signed manifest cannot be read
   */
  public static Long releaseNumber(Release release) {
    SignedManifest signed = signedManifest(release, "apply");
    return signed == null ? null : signed.manifest().releaseNumber();
  }

  /** The release's signed manifest, or null when it has none. */
  static SignedManifest signedManifest(Release release, String step) {
    String json = release.signedManifest();
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      return SignedManifest.fromJson(json);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(step + ": release " + release.version()
          + " has an unreadable signed manifest: " + e.getMessage(), RobotSideErrors.MANIFEST_INVALID);
    }
  }

  private static String type(ManifestRejectedException.Reason reason) {
    return switch (reason) {
      case BAD_SIGNATURE -> RobotSideErrors.BAD_SIGNATURE;
      case UNKNOWN_KEY -> RobotSideErrors.UNKNOWN_KEY;
      case EXPIRED -> RobotSideErrors.MANIFEST_EXPIRED;
      case DOWNGRADE -> RobotSideErrors.DOWNGRADE;
      case HASH_MISMATCH -> RobotSideErrors.HASH_MISMATCH;
    };
  }
}
