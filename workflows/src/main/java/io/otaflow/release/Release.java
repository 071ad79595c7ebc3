package io.otaflow.release;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A release as the control plane registered it: what to install and how to check it arrived intact.
 *
 * @param version     semantic version, for example {@code 1.4.0} or {@code 2.0.0-rc.1}
 * @param artifactUrl where robots download the archive (http or https)
 * @param sha256      lowercase hex SHA-256 of the archive
 * @param sizeBytes   exact archive size; a download that does not end at this size is refused
 * @param changelog   free text for people
 * @param signedManifest the release manifest signed by the control plane (JSON of
 *                    {@code io.otaflow.signing.SignedManifest}), checked by the robot before anything is applied;
 *                    null for an unsigned release, which a robot that trusts keys refuses
 */
public record Release(String version, String artifactUrl, String sha256, long sizeBytes, String changelog,
                      String signedManifest) {

  /** The same release with its signed manifest attached. */
  public Release withSignedManifest(String manifestJson) {
    return new Release(version, artifactUrl, sha256, sizeBytes, changelog, manifestJson);
  }

  private static final Pattern SEMVER =
      Pattern.compile("^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$");
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

  /** Throws {@link IllegalArgumentException} naming the first invalid field. */
  public Release validate() {
    if (version == null || !SEMVER.matcher(version).matches()) {
      throw new IllegalArgumentException("release.version: '" + version + "' is not a semantic version (like 1.2.3)");
    }
    if (artifactUrl == null || !(artifactUrl.startsWith("http://") || artifactUrl.startsWith("https://"))) {
      throw new IllegalArgumentException("release.artifactUrl: '" + artifactUrl + "' is not an http(s) URL");
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("release.sha256: must be 64 lowercase hex characters");
    }
    if (sizeBytes <= 0) {
      throw new IllegalArgumentException("release.sizeBytes: must be positive, was " + sizeBytes);
    }
    return this;
  }

  public String changelog() {
    return Objects.requireNonNullElse(changelog, "");
  }
}
