package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otaflow.controlplane.images.ImageRegistryClient;
import io.otaflow.release.ImageReference;
import io.otaflow.robot.FileTrees;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An image as its registry serves it, written as an OCI image layout archive ({@code oci-archive}): the manifest (for
 * a multi-platform index, the index and every platform's manifest) and every config and layer blob, byte for byte,
 * so that the engine loading it keeps the image's digest.
 */
final class OciImageArchive {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REF_NAME = "org.opencontainers.image.ref.name";

  private OciImageArchive() {
  }

  /**
   * Writes {@code pinned} to {@code out}, the index naming it {@code refName} (the name the engine gives it on load).
   * Blobs pass through a scratch directory beside {@code out}, removed after.
   */
  static void write(ImageRegistryClient registry, ImageReference pinned, String refName, Path out,
                    PrintStream progress) throws IOException {
    Path scratch = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".oci-blobs-");
    try {
      ImageRegistryClient.ManifestBytes root = registry.manifestBytes(pinned, pinned.digest());
      Map<String, byte[]> manifests = new LinkedHashMap<>();
      Map<String, Path> blobs = new LinkedHashMap<>();
      manifests.put(root.digest(), root.bytes());
      if (ImageRegistryClient.isIndex(root.mediaType())) {
        for (JsonNode platform : JSON.readTree(root.bytes()).path("manifests")) {
          ImageRegistryClient.ManifestBytes child = registry.manifestBytes(pinned, platform.path("digest").asText());
          manifests.put(child.digest(), child.bytes());
          addBlobs(registry, pinned, child.bytes(), scratch, blobs, progress);
        }
      } else {
        addBlobs(registry, pinned, root.bytes(), scratch, blobs, progress);
      }
      ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
      index.putArray("manifests").addObject().put("mediaType", root.mediaType()).put("digest", root.digest())
          .put("size", root.bytes().length).putObject("annotations").put(REF_NAME, refName);
      try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(
          Files.newOutputStream(out)))) {
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        put(tar, "index.json", JSON.writeValueAsBytes(index));
        for (Map.Entry<String, byte[]> manifest : manifests.entrySet()) {
          put(tar, blobPath(manifest.getKey()), manifest.getValue());
        }
        for (Map.Entry<String, Path> blob : blobs.entrySet()) {
          TarArchiveEntry entry = new TarArchiveEntry(blobPath(blob.getKey()));
          entry.setSize(Files.size(blob.getValue()));
          tar.putArchiveEntry(entry);
          Files.copy(blob.getValue(), tar);
          tar.closeArchiveEntry();
        }
      }
    } finally {
      FileTrees.deleteTree(scratch);
    }
  }

  /** The config and layers one image manifest lists, each downloaded once (and checked against its digest). */
  private static void addBlobs(ImageRegistryClient registry, ImageReference image, byte[] manifest, Path scratch,
                               Map<String, Path> blobs, PrintStream progress) throws IOException {
    JsonNode body = JSON.readTree(manifest);
    List<JsonNode> descriptors = new ArrayList<>();
    descriptors.add(body.path("config"));
    body.path("layers").forEach(descriptors::add);
    for (JsonNode descriptor : descriptors) {
      String digest = descriptor.path("digest").asText();
      if (blobs.containsKey(digest)) {
        continue;
      }
      Path file = scratch.resolve(digest.replace(':', '-'));
      progress.printf("  blob %s (%,d bytes)%n", digest, descriptor.path("size").asLong());
      registry.downloadBlob(image, digest, file);
      blobs.put(digest, file);
    }
  }

  private static String blobPath(String digest) {
    return "blobs/" + digest.replace(':', '/');
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(data.length);
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
