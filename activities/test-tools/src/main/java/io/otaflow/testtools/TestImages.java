package io.otaflow.testtools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otaflow.signing.ArtifactDigest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Pushes small single-layer images to a registry over its upload API, as {@code podman push} would: each layer is a
 * gzipped tar holding one file whose content the test chooses, so that two versions differ.
 */
public final class TestImages {

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TestImages() {
  }

  /** An image pushed: its manifest's digest and the size of its config and layers. */
  public record Pushed(String digest, long sizeBytes) {
  }

  /** Pushes an image of one layer holding {@code /app/version} = {@code content}, tagged {@code tag}. */
  public static Pushed push(String registry, String repository, String tag, String content) throws Exception {
    return push(registry, repository, tag, content.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #push(String, String, String, String)}, the file's bytes given: a large layer, say. */
  public static Pushed push(String registry, String repository, String tag, byte[] content) throws Exception {
    byte[] layer = layer(content);
    byte[] config = JSON.writeValueAsBytes(JSON.createObjectNode().put("architecture", "amd64").put("os", "linux")
        .set("rootfs", JSON.createObjectNode().put("type", "layers")
            .set("diff_ids", JSON.createArrayNode().add("sha256:" + sha256(tarOf(content))))));
    upload(registry, repository, config);
    upload(registry, repository, layer);
    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_MANIFEST);
    manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", config));
    manifest.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer));
    byte[] bytes = JSON.writeValueAsBytes(manifest);
    putManifest(registry, repository, tag, OCI_MANIFEST, bytes);
    return new Pushed("sha256:" + sha256(bytes), config.length + layer.length);
  }

  /** Pushes an index over the given platform manifests (already pushed), tagged {@code tag}; returns its digest. */
  public static String pushIndex(String registry, String repository, String tag, List<Pushed> platforms)
      throws Exception {
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Pushed platform : platforms) {
      manifests.addObject().put("mediaType", OCI_MANIFEST).put("digest", platform.digest()).put("size", 0);
    }
    byte[] bytes = JSON.writeValueAsBytes(index);
    putManifest(registry, repository, tag, OCI_INDEX, bytes);
    return "sha256:" + sha256(bytes);
  }

  private static ObjectNode descriptor(String mediaType, byte[] blob) {
    return JSON.createObjectNode().put("mediaType", mediaType).put("digest", "sha256:" + sha256(blob))
        .put("size", blob.length);
  }

  private static void upload(String registry, String repository, byte[] blob) throws Exception {
    HttpResponse<Void> started = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://" + registry + "/v2/" + repository + "/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(started.statusCode()).isEqualTo(202);
    String location = started.headers().firstValue("Location").orElseThrow();
    URI upload = URI.create("http://" + registry).resolve(location);
    String separator = upload.getQuery() == null ? "?" : "&";
    HttpResponse<Void> done = HTTP.send(HttpRequest.newBuilder(
            URI.create(upload + separator + "digest=sha256:" + sha256(blob)))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.discarding());
    assertThat(done.statusCode()).isEqualTo(201);
  }

  private static void putManifest(String registry, String repository, String tag, String mediaType, byte[] bytes)
      throws Exception {
    HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://" + registry + "/v2/" + repository + "/manifests/" + tag))
        .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
  }

  private static byte[] layer(byte[] content) throws IOException {
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(tarOf(content));
    }
    return gzipped.toByteArray();
  }

  /** A tar of one regular file, {@code app/version}, its bytes fixed by its content alone. */
  private static byte[] tarOf(byte[] data) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
      TarArchiveEntry entry = new TarArchiveEntry("app/version");
      entry.setSize(data.length);
      // Not the time of the push: the same content is the same image, by the same digest, in every repository.
      entry.setModTime(0);
      out.putArchiveEntry(entry);
      out.write(data);
      out.closeArchiveEntry();
    }
    return tar.toByteArray();
  }

  public static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(ArtifactDigest.sha256().digest(bytes));
  }
}
