package io.otaflow.robot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * How many bytes of a partial download were forced to disk, kept beside it ({@code <part>.durable}). The heartbeat
 * carries the same offset, but the server holds only what the SDK last sent (the agent sends at most every 2 s): a
 * fast download killed in between would resume hundreds of megabytes back. This file is written right after each
 * force, so it never names bytes that are not on disk; lost or stale, it only makes a resume start earlier.
 */
final class DurableOffset {

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

  /** The recorded offset; empty when there is none or it is unreadable (nothing to trust then). */
  OptionalLong read() {
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    } catch (IOException | NumberFormatException unreadable) {
      return OptionalLong.empty();
    }
  }

  /** Replaces the record in one rename, so a crash leaves the old offset or the new one, never half of one. */
  void record(long offset) throws IOException {
    Path next = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(next, Long.toString(offset), StandardCharsets.US_ASCII);
    Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
