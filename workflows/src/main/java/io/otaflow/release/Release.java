package io.otaflow.release;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A release as the control plane registered it: what to install and how to check it arrived intact. Its artifact is
 * either an archive that robots download over HTTP and unpack into a slot ({@code artifactUrl}), or a container image
 * that their container engine pulls by digest ({@code image}); exactly one of the two is set.
 *
 * @param version     semantic version, for example {@code 1.4.0} or {@code 2.0.0-rc.1}
 * @param artifactUrl where robots download the archive (http or https); null for an image
 * @param sha256      lowercase hex SHA-256 of the archive, or of the image's manifest (its digest)
 * @param sizeBytes   exact archive size, a download that does not end at this size is refused; for an image, its
 *                    config and layers as its manifest lists them
 * @param changelog   free text for people
 * @param signedManifest the release manifest signed by the control plane (JSON of
 *                    {@code io.otaflow.signing.SignedManifest}), checked by the robot before anything is applied;
 *                    null for an unsigned release, which a robot that trusts keys refuses
 * @param image       for an image release, the image by digest ({@code registry/repository@sha256:<sha256>}); null
 *                    for an archive (and in the histories of rollouts from before image releases)
 */
public record Release(String version, String artifactUrl, String sha256, long sizeBytes, String changelog,
                      String signedManifest, String image) {

  /** An archive release. */
  public Release(String version, String artifactUrl, String sha256, long sizeBytes, String changelog,
                 String signedManifest) {
    this(version, artifactUrl, sha256, sizeBytes, changelog, signedManifest, null);
  }

  /** The same release with its signed manifest attached. */
  public Release withSignedManifest(String manifestJson) {
    return new Release(version, artifactUrl, sha256, sizeBytes, changelog, manifestJson, image);
  }

  /** Whether the artifact is a container image (else an archive). */
  public boolean hasImage() {
    return image != null;
  }

  private static final Pattern SEMVER =
      Pattern.compile("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$");
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

  /** Throws {@link IllegalArgumentException} naming the first invalid field. */
  public Release validate() {
    if (version == null || !SEMVER.matcher(version).matches()) {
      throw new IllegalArgumentException("release.version: '" + version + "' is not a semantic version (like 1.2.3)");
    }
    if (image != null) {
      validateImage();
    } else if (artifactUrl == null || !(artifactUrl.startsWith("http://") || artifactUrl.startsWith("https://"))) {
      throw new IllegalArgumentException("release.artifactUrl: '" + artifactUrl + "' is not an http(s) URL");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("release.sha256: must be 64 lowercase hex characters");
    }
    if (image != null && !image.endsWith("@sha256:" + sha256)) {
      throw new IllegalArgumentException("release.sha256: " + sha256 + " is not the digest of image " + image);
    }
    if (sizeBytes <= 0) {
      throw new IllegalArgumentException("release.sizeBytes: must be positive, was " + sizeBytes);
    }
    return this;
  }

  private void validateImage() {
    if (artifactUrl != null) {
      throw new IllegalArgumentException("release: give artifactUrl (an archive) or image, not both");
    }
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("release.image: " + e.getMessage());
    }
    if (!reference.pinned() || reference.tag() != null) {
      throw new IllegalArgumentException("release.image: '" + image
          + "' must name the image by digest only (repository@sha256:<digest>), not by tag");
    }
  }

  public String changelog() {
    return Objects.requireNonNullElse(changelog, "");
  }
}
