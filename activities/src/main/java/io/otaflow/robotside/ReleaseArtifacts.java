package io.otaflow.robotside;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds real release archives for demos, simulators and tests, and hashes files. */
public final class ReleaseArtifacts {

  /** Incompressible padding so a download takes measurable time. */
  public static final int PAYLOAD_BYTES = 256 * 1024;

  // A fixed timestamp keeps the archive, and so its SHA-256, identical from one build to the next.
  private static final Date BUILD_TIME = new Date(1_700_000_000_000L);
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReleaseArtifacts() {
  }

  /**
   * Writes {@code outputFile} as a .tar.gz holding VERSION, manifest.json, bin/robot-service (0755),
   * etc/robot-service.conf and lib/payload.bin. Same version, same bytes.
   */
  public static BuiltArtifact build(Path outputFile, String version) {
    return build(outputFile, version, PAYLOAD_BYTES);
  }

  /** As {@link #build(Path, String)} with {@code payloadBytes} of padding, for downloads that must take a while. */
  public static BuiltArtifact build(Path outputFile, String version, int payloadBytes) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("VERSION", (version + "\n").getBytes(StandardCharsets.UTF_8));
    files.put("bin/robot-service", serviceScript(version));
    files.put("etc/robot-service.conf", ("# robot-service " + version + "\nlisten=127.0.0.1:7070\nlog_level=info\n")
        .getBytes(StandardCharsets.UTF_8));
    files.put("lib/payload.bin", payload(version, payloadBytes));
    List<String> names = new ArrayList<>(files.keySet());
    names.add(1, "manifest.json");
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("version", version);
    manifest.put("files", names);
    try {
      files.put("manifest.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      Path parent = outputFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(outputFile));
           GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(out);
           TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (String dir : List.of("bin/", "etc/", "lib/")) {
          TarArchiveEntry entry = new TarArchiveEntry(dir);
          entry.setModTime(BUILD_TIME);
          entry.setMode(040755);
          tar.putArchiveEntry(entry);
          tar.closeArchiveEntry();
        }
        for (String name : names) {
          byte[] content = files.get(name);
          TarArchiveEntry entry = new TarArchiveEntry(name);
          entry.setSize(content.length);
          entry.setModTime(BUILD_TIME);
          entry.setMode(name.startsWith("bin/") ? 0100755 : 0100644);
          tar.putArchiveEntry(entry);
          tar.write(content);
          tar.closeArchiveEntry();
        }
      }
      return new BuiltArtifact(outputFile, sha256Hex(outputFile), Files.size(outputFile));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build release " + version + " at " + outputFile, e);
    }
  }

  /** Lowercase hex SHA-256 of a file, read in a stream (artifacts can be large). */
  public static String sha256Hex(Path file) {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + file, e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static byte[] serviceScript(String version) {
    String script = "#!/bin/sh\n"
        + "# robot-service " + version + ": stand-in for the robot's real control software\n"
        + "here=$(dirname \"$0\")/..\n"
        + "echo \"robot-service $(cat \"$here/VERSION\") running\"\n";
    return script.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] payload(String version, int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(version.hashCode()).nextBytes(bytes);
    return bytes;
  }
}
