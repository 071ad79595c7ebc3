package io.otaflow.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.controlplane.images.ImageRegistryClient;
import io.otaflow.controlplane.images.ImageRegistryClient.ResolvedImage;
import io.otaflow.domain.InvalidFieldException;
import io.otaflow.release.ImageReference;
import io.otaflow.release.Release;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/releases}: an archive ({@code artifactUrl}, {@code sha256}, {@code sizeBytes}) or a
 * container image ({@code image}, by tag or digest, resolved here to its digest and size; {@code sha256} and
 * {@code sizeBytes}, if given, must be what the registry holds).
 *
 * @param signedManifest the document {@code otaflow release sign} writes (as an object, or as a string holding it);
 *                       null lets the control plane sign, when it has a key
 * @param labels         target labels for the manifest the control plane signs; with a signed manifest, empty or
 *                       equal to its target labels
 */
public record ReleaseRegistration(String version, String artifactUrl, String sha256, Long sizeBytes,
                                  String changelog, JsonNode signedManifest, Map<String, String> labels,
                                  String image) {

  Release toRelease(ImageRegistryClient images) {
    RequiredFields.require(version, "version");
    if (image != null) {
      return toImageRelease(images);
    }
    RequiredFields.require(artifactUrl, "artifactUrl");
    RequiredFields.require(sha256, "sha256");
    RequiredFields.require(sizeBytes, "sizeBytes");
    return new Release(version, artifactUrl, sha256, sizeBytes, changelog, manifestJson());
  }

  private Release toImageRelease(ImageRegistryClient images) {
    if (artifactUrl != null) {
      throw new InvalidFieldException("image", "give artifactUrl (an archive) or image, not both");
    }
    ImageReference reference;
    try {
      reference = ImageReference.parse(image);
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException("image", e.getMessage());
    }
    ResolvedImage resolved = images.resolve(reference);
    String digest = resolved.pinned().digestHex();
    if (sha256 != null && !sha256.equals(digest)) {
      throw new InvalidFieldException("sha256", sha256 + " is not the digest of " + reference
          + " in its registry, " + resolved.pinned().digest());
    }
    if (sizeBytes != null && sizeBytes != resolved.sizeBytes()) {
      throw new InvalidFieldException("sizeBytes", sizeBytes + " is not the size of " + reference
          + " in its registry, " + resolved.sizeBytes());
    }
    return new Release(version, null, digest, resolved.sizeBytes(), changelog, manifestJson(),
        resolved.pinned().toString());
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
