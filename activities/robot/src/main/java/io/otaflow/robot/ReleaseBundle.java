package io.otaflow.robot;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.release.Release;
import io.otaflow.signing.ArtifactDigest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One release in one file, for robots no network reaches ({@code otaflow release export}, then
 * {@code otaflow-agent install --bundle}): a tar of exactly two entries, {@code release.json} (the release as
 * registered, its signed manifest included) then {@code artifact.tar.gz}, or for a container image
 * {@code image.oci.tar} (an OCI image layout archive). Nothing in it is trusted: the robot checks the artifact's size,
 * hash, or the digest its engine computes, and the signed manifest, as an over-the-air update does.
 */
public final class ReleaseBundle {

  static final String RELEASE_ENTRY = "release.json";
  static final String ARTIFACT_ENTRY = "artifact.tar.gz";
  static final String IMAGE_ENTRY = "image.oci.tar";
  /**
   * An image's OCI archive holds its config and layers (the release's size) and its manifests, a few kilobytes each;
   * a multi-platform index brings every platform's. Past this many times the release's size it is not the image.
   */
  private static final long MAX_IMAGE_ARCHIVE_FACTOR = 16;
  private static final long IMAGE_ARCHIVE_SLACK = 1024 * 1024;
  /** A release record is a few kilobytes; more is not one. */
  private static final long MAX_RELEASE_BYTES = 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ReleaseBundle() {
  }

  /**
   * Writes {@code release} and its archive's bytes ({@code artifact}) to {@code out}, through a temporary file: a
   * bundle is whole or absent. Refuses, writing nothing, bytes that are not the release's (size or SHA-256).
   *
   * @throws IllegalArgumentException naming what is wrong, in one line
   */
  public static void write(Path out, Release release, InputStream artifact) throws IOException {
    if (release.hasImage()) {
      throw new IllegalArgumentException("release " + release.version() + " is a container image: give its OCI "
          + "archive (writeImage)");
    }
    write(out, release, ARTIFACT_ENTRY, artifact, release.sizeBytes(), release.sha256());
  }

  /**
   * Writes image {@code release} and its OCI image archive ({@code ociArchive}: the registry's manifest and blobs as
   * served, so the robot's engine keeps the digest) to {@code out}, whole or not at all.
   */
  public static void writeImage(Path out, Release release, Path ociArchive) throws IOException {
    if (!release.hasImage()) {
      throw new IllegalArgumentException("release " + release.version() + " is an archive, not an image");
    }
    try (InputStream archive = Files.newInputStream(ociArchive)) {
      write(out, release, IMAGE_ENTRY, archive, Files.size(ociArchive), null);
    }
  }

  /** @param sha256 what the bytes must hash to; null: not checked here (an image's digest is checked on load) */
  private static void write(Path out, Release release, String entryName, InputStream artifact, long size,
                            String sha256) throws IOException {
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(
        Files.newOutputStream(tmp)))) {
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      byte[] releaseJson = JSON.writeValueAsBytes(release);
      TarArchiveEntry releaseEntry = new TarArchiveEntry(RELEASE_ENTRY);
      releaseEntry.setSize(releaseJson.length);
      tar.putArchiveEntry(releaseEntry);
      tar.write(releaseJson);
      tar.closeArchiveEntry();
      TarArchiveEntry artifactEntry = new TarArchiveEntry(entryName);
      artifactEntry.setSize(size);
      tar.putArchiveEntry(artifactEntry);
      MessageDigest digest = ArtifactDigest.sha256();
      long copied = copy(artifact, new DigestOutputStream(tar, digest), size);
      if (copied != size || artifact.read() >= 0) {
        throw new IllegalArgumentException("artifact of " + release.version() + ": not " + size
            + " bytes as the release says");
      }
      String hash = HexFormat.of().formatHex(digest.digest());
      if (sha256 != null && !hash.equals(sha256)) {
        throw new IllegalArgumentException("artifact of " + release.version() + ": sha256 " + hash
            + ", not the release's " + sha256);
      }
      tar.closeArchiveEntry();
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** What a bundle held: its release, and the SHA-256 of the artifact as it was copied out. */
  public record Opened(Release release, String artifactSha256, long artifactBytes) {
  }

  /**
   * Reads {@code bundle}, copying its artifact to {@code artifactOut} (hashed on the way).
   *
   * @throws IllegalArgumentException naming the bundle and what is wrong with it, in one line
   */
  public static Opened open(Path bundle, Path artifactOut) {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(bundle))) {
      TarArchiveEntry first = tar.getNextEntry();
      requireEntry(bundle, first, RELEASE_ENTRY);
      if (first.getSize() > MAX_RELEASE_BYTES) {
        throw refused(bundle, RELEASE_ENTRY + " is " + first.getSize() + " bytes, not a release");
      }
      Release release;
      try {
        release = JSON.readValue(tar.readAllBytes(), Release.class).validate();
      } catch (IOException | IllegalArgumentException e) {
        throw refused(bundle, RELEASE_ENTRY + " is not a valid release: " + RobotSideErrors.firstLine(e.getMessage()));
      }
      String entryName = release.hasImage() ? IMAGE_ENTRY : ARTIFACT_ENTRY;
      TarArchiveEntry second = tar.getNextEntry();
      requireEntry(bundle, second, entryName);
      if (release.hasImage()
          ? second.getSize() > release.sizeBytes() * MAX_IMAGE_ARCHIVE_FACTOR + IMAGE_ARCHIVE_SLACK
          : second.getSize() != release.sizeBytes()) {
        throw refused(bundle, entryName + " is " + second.getSize() + " bytes, the release says "
            + release.sizeBytes());
      }
      MessageDigest sha256 = ArtifactDigest.sha256();
      long copied;
      try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(artifactOut)),
          sha256)) {
        copied = copy(tar, out, second.getSize());
      }
      if (copied != second.getSize()) {
        throw refused(bundle, "truncated: " + entryName + " holds " + copied + " of " + second.getSize()
            + " bytes");
      }
      TarArchiveEntry extra = tar.getNextEntry();
      if (extra != null) {
        throw refused(bundle, "unexpected entry '" + extra.getName() + "' after " + entryName);
      }
      return new Opened(release, HexFormat.of().formatHex(sha256.digest()), copied);
    } catch (IOException e) {
      throw refused(bundle, "unreadable: " + RobotSideErrors.firstLine(e.getMessage()));
    }
  }

  private static void requireEntry(Path bundle, TarArchiveEntry entry, String name) {
    if (entry == null) {
      throw refused(bundle, "truncated: no " + name);
    }
    if (!entry.isFile() || !entry.getName().equals(name)) {
      throw refused(bundle, "expected " + name + ", found '" + entry.getName() + "'");
    }
  }

  private static IllegalArgumentException refused(Path bundle, String why) {
    return new IllegalArgumentException("bundle " + bundle.getFileName() + ": " + why);
  }

  /** Copies at most {@code limit} bytes; returns how many. */
  private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long copied = 0;
    int read;
    while (copied < limit && (read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied))) >= 0) {
      out.write(buffer, 0, read);
      copied += read;
    }
    out.flush();
    return copied;
  }
}
