package io.otaflow.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;

/**
 * A manifest with the Ed25519 signature over its {@linkplain ReleaseManifest#canonicalBytes() canonical bytes}, and
 * the id of the key that made it. File format (pretty-printed JSON, UTF-8):
 * <pre>
 * {
 *   "manifest" : { ...the ReleaseManifest fields... },
 *   "keyId" : "&lt;16 hex&gt;",
 *   "signature" : "&lt;base64 of the 64-byte Ed25519 signature&gt;"
 * }
 * </pre>
 * Reading does not check the signature; {@link ManifestVerifier} does.
 */
public record SignedManifest(ReleaseManifest manifest, String keyId, String signature) {

  private static final Set<String> FIELDS = Set.of("manifest", "keyId", "signature");

  public SignedManifest {
    Objects.requireNonNull(manifest, "manifest");
    if (keyId == null || keyId.isBlank()) {
      throw new IllegalArgumentException("signed manifest: keyId is required");
    }
    if (signature == null || signature.isBlank()) {
      throw new IllegalArgumentException("signed manifest: signature is required");
    }
  }

  public String toJson() {
    ObjectNode node = ReleaseManifest.JSON.createObjectNode();
    node.set("manifest", manifest.toJson());
    node.put("keyId", keyId);
    node.put("signature", signature);
    try {
      return ReleaseManifest.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode signed manifest", e);
    }
  }

  public static SignedManifest fromJson(String json) {
    JsonNode node;
    try {
      node = ReleaseManifest.JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("signed manifest: not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("signed manifest: expected a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException("signed manifest: unknown field " + name);
      }
    }
    return new SignedManifest(ReleaseManifest.fromJson(node.get("manifest")),
        node.path("keyId").isTextual() ? node.get("keyId").asText() : null,
        node.path("signature").isTextual() ? node.get("signature").asText() : null);
  }

  public void write(Path file) {
    try {
      Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write manifest " + file, e);
    }
  }

  public static SignedManifest read(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("manifest file " + file + " not found");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read manifest " + file, e);
    }
    try {
      return fromJson(json);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
