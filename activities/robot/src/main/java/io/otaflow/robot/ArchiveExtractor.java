package io.otaflow.robot;

import io.otaflow.robotupdate.RobotErrors;
import io.otaflow.signing.ArtifactDigest;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a release .tar.gz into an empty slot, refusing anything that could write or point outside it.
 * Symlinks are created last, so no file of the archive is ever written through a link; each link is then
 * resolved on disk and must land inside the slot.
 */
final class ArchiveExtractor {

  private record PendingLink(String entryName, Path link, Path target) {
  }

  private final long maxExpandedBytes;

  ArchiveExtractor(long maxExpandedBytes) {
    this.maxExpandedBytes = maxExpandedBytes;
  }

  /**
   * Unpacks {@code archive} and returns the lowercase hex SHA-256 of every byte read from it: the archive is read
   * once, to its end (past the tar's end-of-archive blocks), so the hash covers exactly the bytes unpacked.
   */
  String extract(Path archive, Path slot) {
    Path root;
    try {
      root = slot.toRealPath();
    } catch (IOException e) {
      throw writeFailure(slot, "slot", e);
    }
    List<PendingLink> links = new ArrayList<>();
    long written = 0;
    MessageDigest digest = ArtifactDigest.sha256();
    try (InputStream file = hashedFile(archive, digest); TarArchiveInputStream tar = untar(file)) {
      TarArchiveEntry entry;
      while ((entry = next(tar)) != null) {
        String name = entry.getName();
        Path target = resolveInside(root, name);
        if (entry.isSymbolicLink()) {
          links.add(new PendingLink(name, target, checkLinkTarget(root, target, name, entry.getLinkName())));
        } else if (entry.isLink()) {
          createHardLink(root, target, name, entry.getLinkName());
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
          throw invalid("archive entry '" + name + "' is a device or fifo");
        } else if (entry.isDirectory()) {
          createDirectories(target, name);
        } else if (entry.isFile()) {
          if (written + entry.getSize() > maxExpandedBytes) {
            throw tooLarge(name);
          }
          written += writeFile(tar, target, name, entry.getMode());
        } else {
          throw invalid("archive entry '" + name + "' has an unsupported type");
        }
      }
      drain(file);
    } catch (IOException closing) {
      // only close() lands here; everything else is translated where it happens
    }
    for (PendingLink link : links) {
      createSymlink(root, link);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The unpacked slot must say it holds the release being installed. */
  static void requireVersion(Path slot, String version) {
    Path file = slot.resolve("VERSION");
    if (!Files.isRegularFile(file)) {
      throw invalid("archive has no VERSION file");
    }
    String found;
    try {
      found = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw invalid("cannot read VERSION: " + e.getMessage());
    }
    if (!found.equals(version)) {
      throw invalid("archive VERSION is " + found + ", release is " + version);
    }
  }

  /** The archive file, buffered, every byte read from it going through {@code digest} first. */
  private static InputStream hashedFile(Path archive, MessageDigest digest) {
    try {
      // FileInputStream, unlike Files.newInputStream, also reads an archive streamed in through a pipe.
      return new BufferedInputStream(new DigestInputStream(new FileInputStream(archive.toFile()), digest), 64 * 1024);
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private static TarArchiveInputStream untar(InputStream file) {
    try {
      return new TarArchiveInputStream(new GzipCompressorInputStream(file));
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  /** Reads what follows the tar's end (its padding, anything appended), so the digest covers the whole file. */
  private static void drain(InputStream file) {
    try {
      file.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private static TarArchiveEntry next(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
  }

  static Path resolveInside(Path root, String name) {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
        || (name.length() > 1 && name.charAt(1) == ':')) {
      throw invalid("archive entry '" + name + "' has an absolute or unsafe path");
    }
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw invalid("archive entry '" + name + "' has a '..' component");
      }
    }
    Path target = root.resolve(name).normalize();
    if (!target.startsWith(root)) {
      throw invalid("archive entry '" + name + "' escapes the slot");
    }
    return target;
  }

  private static Path checkLinkTarget(Path root, Path link, String name, String linkName) {
    if (link.equals(root)) {
      throw invalid("archive entry '" + name + "' would replace the slot with a symlink");
    }
    Path target = Path.of(linkName);
    if (linkName.isEmpty() || target.isAbsolute()) {
      throw invalid("archive entry '" + name + "' is a symlink to an absolute path (" + linkName + ")");
    }
    if (!link.getParent().resolve(target).normalize().startsWith(root)) {
      throw invalid("archive entry '" + name + "' is a symlink pointing outside the slot (" + linkName + ")");
    }
    return target;
  }

  private static void createSymlink(Path root, PendingLink pending) {
    String name = pending.entryName();
    try {
      Files.createDirectories(pending.link().getParent());
      Files.createSymbolicLink(pending.link(), pending.target());
    } catch (IOException e) {
      throw invalid("archive entry '" + name + "' cannot be created as a symlink: " + e);
    }
    // Checked on disk: a chain of links can leave the slot even when each target looks inside on paper.
    Path resolved;
    try {
      resolved = pending.link().toRealPath();
    } catch (IOException e) {
      throw invalid("archive entry '" + name + "' is a symlink to a missing target (" + pending.target() + ")");
    }
    if (!resolved.startsWith(root)) {
      throw invalid("archive entry '" + name + "' is a symlink pointing outside the slot (" + pending.target() + ")");
    }
  }

  private static void createHardLink(Path root, Path link, String name, String linkName) {
    Path existing = resolveInside(root, linkName);
    if (!Files.isRegularFile(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw invalid("archive entry '" + name + "' is a hard link to a missing file (" + linkName + ")");
    }
    try {
      Files.createDirectories(link.getParent());
      Files.createLink(link, existing);
    } catch (IOException e) {
      throw writeFailure(link, name, e);
    }
  }

  private static void createDirectories(Path target, String name) {
    try {
      Files.createDirectories(target);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw invalid("archive entry '" + name + "' conflicts with a file of the same name");
    } catch (IOException e) {
      throw writeFailure(target, name, e);
    }
  }

  private long writeFile(TarArchiveInputStream tar, Path target, String name, int mode) {
    createDirectories(target.getParent(), name);
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (true) {
        int n;
        try {
          n = tar.read(buffer);
        } catch (IOException | RuntimeException e) {
          throw unreadable(e);
        }
        if (n < 0) {
          break;
        }
        total += n;
        if (total > maxExpandedBytes) {
          throw tooLarge(name);
        }
        out.write(buffer, 0, n);
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw invalid("archive entry '" + name + "' appears twice");
    } catch (IOException e) {
      throw writeFailure(target, name, e);
    }
    setMode(target, mode);
    return total;
  }

  /** Keeps the archive's execute bits (bin/robot-service must run) but never setuid bits or a read-only owner. */
  private static void setMode(Path file, int mode) {
    try {
      Files.setPosixFilePermissions(file, permissions((mode & 0777) | 0600));
    } catch (UnsupportedOperationException | IOException ignored) {
      // non-POSIX file system: keep the defaults
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }

  private ApplicationFailure tooLarge(String name) {
    return invalid("archive expands to more than " + maxExpandedBytes + " bytes (at entry '" + name + "')");
  }

  static ApplicationFailure invalid(String what) {
    return ApplicationFailure.newNonRetryableFailure("apply: " + what, RobotErrors.ARCHIVE_INVALID);
  }

  private static ApplicationFailure unreadable(Exception e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "apply: archive unreadable: " + detail, RobotErrors.ARCHIVE_INVALID, e);
  }

  private static ApplicationFailure writeFailure(Path path, String name, IOException e) {
    if (String.valueOf(e.getMessage()).contains("No space left")) {
      return ApplicationFailure.newNonRetryableFailureWithCause(
          "apply: disk full while unpacking '" + name + "' to " + path, RobotErrors.DISK_FULL, e);
    }
    return ApplicationFailure.newFailureWithCause(
        "apply: cannot write '" + name + "' to " + path + ": " + e, RobotSideErrors.SLOT_WRITE_FAILED, e);
  }
}
