package io.otaflow.signing;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 a release names its artifact by: computed by whoever publishes it and by the robot that installs it. */
public final class ArtifactDigest {

  private ArtifactDigest() {
  }

  /** Lowercase hex SHA-256 of a file, read in a stream (artifacts can be large). */
  public static String sha256Hex(Path file) {
    try {
      return HexFormat.of().formatHex(sha256OfFirstBytes(file, Files.size(file)).digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash " + file, e);
    }
  }

  /**
   * The SHA-256 state after the first {@code bytes} of {@code file}, to go on hashing what follows them (a download
   * resumed after those bytes).
   *
   * @throws EOFException when the file is shorter than {@code bytes}
   */
  public static MessageDigest sha256OfFirstBytes(Path file, long bytes) throws IOException {
    MessageDigest digest = sha256();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long left = bytes;
      while (left > 0) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), left));
        int n = in.read(buffer);
        if (n < 0) {
          throw new EOFException(file + " ended before byte " + bytes);
        }
        buffer.flip();
        digest.update(buffer);
        left -= n;
      }
    }
    return digest;
  }

  /** A fresh SHA-256 digest, for hashing an artifact as it streams in. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
