package io.otaflow.signing;

import io.otaflow.signing.ManifestRejectedException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides whether a robot may install a release. Checks, in this order, stopping at the first failure: the key is
 * trusted, the signature matches the manifest (nothing else in a manifest is believed before that), the manifest has
 * not expired, the release number is not lower than the installed one unless the manifest is a signed rollback, and
 * the artifact's SHA-256 is the manifest's.
 *
 * <p>More than one trusted key allows key rotation: publish the new public key to robots, then sign with it.
 */
public final class ManifestVerifier {

  private final Map<String, PublicKey> trustedKeys;
  private final Clock clock;

  /** @param trustedKeys public keys by {@linkplain ManifestSigner#keyId key id} */
  public ManifestVerifier(Map<String, PublicKey> trustedKeys, Clock clock) {
    this.trustedKeys = Map.copyOf(trustedKeys);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Trusts every {@code *.pub} file in {@code dir}, each under the key id computed from it. */
  public static ManifestVerifier fromKeyDirectory(Path dir, Clock clock) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("trusted key directory " + dir + " not found");
    }
    Map<String, PublicKey> keys = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pub")) {
      for (Path file : files) {
        PublicKey key = ManifestSigner.readPublicKey(file);
        keys.put(ManifestSigner.keyId(key), key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list trusted keys in " + dir, e);
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no trusted keys (*.pub) in " + dir);
    }
    return new ManifestVerifier(keys, clock);
  }

  /** The key ids this verifier trusts, sorted. */
  public SortedSet<String> trustedKeyIds() {
    return new TreeSet<>(trustedKeys.keySet());
  }

  /**
   * @param artifactSha256          SHA-256 (hex) of the artifact the robot downloaded
   * @param installedReleaseNumber  release number the robot runs now
   * @throws ManifestRejectedException when the release must not be installed
   */
  public void verify(SignedManifest signed, String artifactSha256, long installedReleaseNumber) {
    String keyId = signed.keyId();
    PublicKey key = trustedKeys.get(keyId);
    if (key == null) {
      throw new ManifestRejectedException(Reason.UNKNOWN_KEY, "signature: key " + keyId + " is not trusted");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(signed.signature());
    } catch (IllegalArgumentException e) {
      signature = null;
    }
    if (signature == null || !ManifestSigner.verifies(signed.manifest().canonicalBytes(), signature, key)) {
      throw new ManifestRejectedException(Reason.BAD_SIGNATURE,
          "signature: does not match the manifest (key " + keyId + ")");
    }
    ReleaseManifest manifest = signed.manifest();
    Instant now = clock.instant();
    if (!now.isBefore(manifest.expiresAt())) {
      throw new ManifestRejectedException(Reason.EXPIRED, "manifest: expired at " + manifest.expiresAt());
    }
    if (manifest.releaseNumber() < installedReleaseNumber && !manifest.rollback()) {
      throw new ManifestRejectedException(Reason.DOWNGRADE, "manifest: release number " + manifest.releaseNumber()
          + " is lower than installed " + installedReleaseNumber + " and the manifest is not a signed rollback");
    }
    String actual = artifactSha256 == null ? "" : artifactSha256.toLowerCase(Locale.ROOT);
    if (!actual.equals(manifest.artifactSha256())) {
      throw new ManifestRejectedException(Reason.HASH_MISMATCH, "manifest: artifact sha256 " + prefix(actual)
          + "… does not match the manifest's " + prefix(manifest.artifactSha256()) + "…");
    }
  }

  private static String prefix(String hex) {
    return hex.length() <= 8 ? hex : hex.substring(0, 8);
  }
}
