package io.otaflow.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.release.Release;
import io.otaflow.signing.SignedManifest;

/**
 * A registered release as the API shows it: the signed manifest as a JSON object (not a string inside a string), and
 * its release number and key id lifted out.
 *
 * @param artifactUrl   null for an image release
 * @param image         the image by digest, null for an archive
 * @param releaseNumber null for an unsigned release
 */
public record ReleaseView(String version, String artifactUrl, String image, String sha256, long sizeBytes,
                          String changelog, Long releaseNumber, String keyId, JsonNode signedManifest) {

  static ReleaseView of(Release release, ObjectMapper json) {
    if (release.signedManifest() == null) {
      return new ReleaseView(release.version(), release.artifactUrl(), release.image(), release.sha256(),
          release.sizeBytes(), release.changelog(), null, null, null);
    }
    SignedManifest signed = SignedManifest.fromJson(release.signedManifest());
    try {
      return new ReleaseView(release.version(), release.artifactUrl(), release.image(), release.sha256(),
          release.sizeBytes(), release.changelog(), signed.manifest().releaseNumber(), signed.keyId(),
          json.readTree(release.signedManifest()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored manifest of release " + release.version() + " is not JSON", e);
    }
  }
}
