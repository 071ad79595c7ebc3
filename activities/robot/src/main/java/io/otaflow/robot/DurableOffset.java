package io.otaflow.robot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * How many bytes of a partial download were forced to disk, and in which boot of the robot, kept beside it
 * ({@code <part>.durable}, "offset boot-id"). After a restart of the agent alone (kill -9, a crash) the kernel still
 * holds every byte the attempt wrote, so the partial file's length is the resume point. After the robot itself
 * restarted (power loss), only forced bytes are sure to be there. The heartbeat carries the forced offset too, but the
 * server holds only what the SDK last sent (the agent sends at most every 2 s). Written right after each force, the
 * record never names bytes that are not on disk; lost or stale, it only makes a resume start earlier.
 */
final class DurableOffset {

  /** This boot of the machine (Linux); null where the kernel does not say, and only forced bytes are trusted. */
  private static final String THIS_BOOT = readBootId();

  /**
   * @param forced bytes forced to disk
   * @param bootId the boot in which they were written; null in records of agents that did not write it
   */
  record Recorded(long forced, String bootId) {

    /** The machine has not restarted since: every byte the attempt wrote is still in the file. */
    boolean writtenThisBoot() {
      return THIS_BOOT != null && THIS_BOOT.equals(bootId);
    }
  }

  private final Path file;

  private DurableOffset(Path file) {
    this.file = file;
  }

  static DurableOffset of(Path part) {
    return new DurableOffset(part.resolveSibling(part.getFileName() + ".durable"));
  }

  Path file() {
    return file;
  }

  /** The record; empty when there is none or it is unreadable (nothing to trust then). */
  Optional<Recorded> read() {
    try {
      String[] fields = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ", 2);
      return Optional.of(new Recorded(Long.parseLong(fields[0]), fields.length > 1 ? fields[1] : null));
    } catch (IOException | NumberFormatException unreadable) {
      return Optional.empty();
    }
  }

  /** Replaces the record in one rename, so a crash leaves the old offset or the new one, never half of one. */
  void record(long forced) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(next, THIS_BOOT == null ? Long.toString(forced) : forced + " " + THIS_BOOT,
        StandardCharsets.US_ASCII);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String readBootId() {
    try {
      String id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
      return id.isEmpty() || id.contains(" ") ? null : id;
    } catch (IOException | RuntimeException notLinux) {
      return null;
    }
  }
}
