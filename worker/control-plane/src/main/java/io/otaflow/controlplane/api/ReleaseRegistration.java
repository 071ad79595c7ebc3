package io.otaflow.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.release.Release;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/releases}.
 *
 * @param signedManifest the document {@code otaflow release sign} writes (as an object, or as a string holding it);
 *                       null lets the control plane sign, when it has a key
 * @param labels         target labels for the manifest the control plane signs; with a signed manifest, empty or
 *                       equal to its target labels
 */
public record ReleaseRegistration(String version, String artifactUrl, String sha256, Long sizeBytes,
                                  String changelog, JsonNode signedManifest, Map<String, String> labels) {

  Release toRelease() {
    RequiredFields.require(version, "version");
    RequiredFields.require(artifactUrl, "artifactUrl");
    RequiredFields.require(sha256, "sha256");
    RequiredFields.require(sizeBytes, "sizeBytes");
    return new Release(version, artifactUrl, sha256, sizeBytes, changelog, manifestJson());
  }

  Map<String, String> labelsOrNone() {
    return labels == null ? Map.of() : labels;
  }

  private String manifestJson() {
    if (signedManifest == null || signedManifest.isNull()) {
      return null;
    }
    return signedManifest.isTextual() ? signedManifest.asText() : signedManifest.toString();
  }
}
