package io.otaflow.controlplane;

import io.otaflow.release.Release;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

/**
 * The key the control plane signs release manifests with when a release is registered without one, and how long
 * such a manifest stays valid.
 */
public final class ReleaseSigningKey {

  private final KeyPair keys;
  private final Duration validity;
  private final Clock clock;

  public ReleaseSigningKey(KeyPair keys, Duration validity, Clock clock) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.validity = Objects.requireNonNull(validity, "validity");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (validity.isZero() || validity.isNegative()) {
      throw new IllegalArgumentException("manifest validity must be positive, was " + validity);
    }
  }

  /** Reads NAME.key as written by {@code otaflow keys generate}, and NAME.pub beside it. */
  public static ReleaseSigningKey fromKeyFile(Path privateKeyFile, Duration validity) {
    Path publicKeyFile = ManifestSigner.publicKeyFile(privateKeyFile);
    for (Path file : new Path[] {privateKeyFile, publicKeyFile}) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("signing key file " + file + " not found"
            + (file == publicKeyFile ? " (the public key must lie beside the private key)" : ""));
      }
    }
    KeyPair keys = new KeyPair(ManifestSigner.readPublicKey(publicKeyFile),
        ManifestSigner.readPrivateKey(privateKeyFile));
    return new ReleaseSigningKey(keys, validity, Clock.systemUTC());
  }

  public String keyId() {
    return ManifestSigner.keyId(keys.getPublic());
  }

  /**
   * Signs {@code release}'s version, SHA-256, size and image (for an image release) for robots with {@code labels},
   * expiring after the validity.
   */
  public SignedManifest sign(Release release, Map<String, String> labels, long releaseNumber) {
    ReleaseManifest manifest = new ReleaseManifest(release.version(), release.sha256(), release.sizeBytes(), labels,
        clock.instant().plus(validity).truncatedTo(ChronoUnit.SECONDS), releaseNumber, false, release.image());
    return ManifestSigner.sign(manifest, keys.getPrivate(), keys.getPublic());
  }
}
