package io.otaflow.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a release publisher vouches for: this version is the artifact with this SHA-256 and size, meant for robots
 * with these labels, valid until {@code expiresAt}.
 *
 * <p>{@code releaseNumber} increases with every release; a robot refuses a manifest whose number is lower than the
 * one it has installed unless the manifest is an explicitly signed {@code rollback}.
 *
 * <h2>Canonical bytes</h2>
 * The signature covers {@link #canonicalBytes()}: compact JSON (no whitespace), UTF-8, one object with exactly these
 * fields in this fixed order:
 * <pre>
 * {"version":"2.0.0","artifactSha256":"&lt;64 lowercase hex&gt;","sizeBytes":1234,
 *  "targetLabels":{&lt;keys sorted by String.compareTo&gt;},"expiresAt":"2026-12-01T00:00:00Z",
 *  "releaseNumber":8,"rollback":false}
 * </pre>
 * A container image release adds one last field, {@code "image":"registry/repository@sha256:<hex>"}, whose digest is
 * {@code artifactSha256}; an archive's manifest has no {@code image} field, so its bytes (and every signature made
 * before image releases) are unchanged. An agent that predates image releases refuses such a manifest as having an
 * unknown field.
 * {@code expiresAt} is written with {@link Instant#toString()} (ISO-8601, UTC). Strings use Jackson's standard JSON
 * escaping. The canonical form depends only on the record's values, so reading a manifest back from any JSON layout
 * and re-encoding it gives the same bytes, and any changed field changes them.
 */
public record ReleaseManifest(
    String version,
    String artifactSha256,
    long sizeBytes,
    Map<String, String> targetLabels,
    Instant expiresAt,
    long releaseNumber,
    boolean rollback,
    String image) {

  /** Not the wire configuration (WireJson): the signed bytes must never change with it. */
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Set<String> FIELDS = Set.of(
      "version", "artifactSha256", "sizeBytes", "targetLabels", "expiresAt", "releaseNumber", "rollback", "image");

  public ReleaseManifest {
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException("manifest: version is required");
    }
    if (artifactSha256 == null || !SHA256_HEX.matcher(artifactSha256).matches()) {
      throw new IllegalArgumentException("manifest: artifactSha256 must be 64 lowercase hex characters, was "
          + artifactSha256);
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("manifest: sizeBytes must not be negative, was " + sizeBytes);
    }
    Objects.requireNonNull(expiresAt, "manifest: expiresAt is required");
    if (releaseNumber < 0) {
      throw new IllegalArgumentException("manifest: releaseNumber must not be negative, was " + releaseNumber);
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    if (targetLabels != null) {
      targetLabels.forEach((key, value) -> sorted.put(
          Objects.requireNonNull(key, "manifest: label key is null"),
          Objects.requireNonNull(value, "manifest: label " + key + " has no value")));
    }
    targetLabels = Collections.unmodifiableSortedMap(sorted);
    if (image != null && !image.endsWith("@sha256:" + artifactSha256)) {
      throw new IllegalArgumentException("manifest: image " + image + " is not named by its digest sha256:"
          + artifactSha256);
    }
  }

  /** An archive's manifest. */
  public ReleaseManifest(String version, String artifactSha256, long sizeBytes, Map<String, String> targetLabels,
                         Instant expiresAt, long releaseNumber, boolean rollback) {
    this(version, artifactSha256, sizeBytes, targetLabels, expiresAt, releaseNumber, rollback, null);
  }

  /** The bytes the signature covers; see the class comment for the exact format. */
  public byte[] canonicalBytes() {
    try {
      return JSON.writeValueAsString(toJson()).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode manifest " + version, e);
    }
  }

  /** The manifest as a JSON object, fields in the canonical order. */
  ObjectNode toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", version);
    node.put("artifactSha256", artifactSha256);
    node.put("sizeBytes", sizeBytes);
    ObjectNode labels = node.putObject("targetLabels");
    targetLabels.forEach(labels::put); // sorted: the compact constructor keeps a sorted map
    node.put("expiresAt", expiresAt.toString());
    node.put("releaseNumber", releaseNumber);
    node.put("rollback", rollback);
    if (image != null) {
      node.put("image", image);
    }
    return node;
  }

  /** Reads a manifest object, refusing unknown fields (the signature would not cover them). */
  static ReleaseManifest fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("manifest: expected a JSON object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException("manifest: unknown field " + name);
      }
    }
    Map<String, String> labels = new TreeMap<>();
    JsonNode labelNode = node.path("targetLabels");
    if (!labelNode.isMissingNode() && !labelNode.isNull()) {
      if (!labelNode.isObject()) {
        throw new IllegalArgumentException("manifest: targetLabels must be an object");
      }
      labelNode.fields().forEachRemaining(entry -> labels.put(entry.getKey(), text(entry.getValue(),
          "targetLabels." + entry.getKey())));
    }
    Instant expiresAt;
    try {
      expiresAt = Instant.parse(text(node.get("expiresAt"), "expiresAt"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("manifest: expiresAt is not an ISO-8601 instant: " + e.getParsedString());
    }
    return new ReleaseManifest(
        text(node.get("version"), "version"),
        text(node.get("artifactSha256"), "artifactSha256"),
        number(node.get("sizeBytes"), "sizeBytes"),
        labels,
        expiresAt,
        number(node.get("releaseNumber"), "releaseNumber"),
        bool(node.get("rollback"), "rollback"),
        node.hasNonNull("image") ? text(node.get("image"), "image") : null);
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual()) {
      throw new IllegalArgumentException("manifest: " + field + " must be a string");
    }
    return node.asText();
  }

  private static long number(JsonNode node, String field) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new IllegalArgumentException("manifest: " + field + " must be an integer");
    }
    return node.asLong();
  }

  private static boolean bool(JsonNode node, String field) {
    if (node == null || !node.isBoolean()) {
      throw new IllegalArgumentException("manifest: " + field + " must be true or false");
    }
    return node.asBoolean();
  }
}
