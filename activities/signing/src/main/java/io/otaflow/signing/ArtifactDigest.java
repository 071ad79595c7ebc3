package io.otaflow.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The SHA-256 a release names its artifact by: computed by whoever publishes it and by the robot that installs it. */
public final class ArtifactDigest {

  private ArtifactDigest() {
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

  /** A fresh SHA-256 digest, for hashing an artifact as it streams in. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
