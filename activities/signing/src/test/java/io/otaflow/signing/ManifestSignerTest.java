package io.otaflow.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestSignerTest {

  @TempDir
  Path temp;

  @Test
  void keyFilesRoundTrip() throws Exception {
    KeyPair pair = ManifestSigner.generate();
    Path privateFile = temp.resolve("release.key");
    Path publicFile = temp.resolve("release.pub");

    ManifestSigner.writePrivateKey(privateFile, pair.getPrivate());
    ManifestSigner.writePublicKey(publicFile, pair.getPublic());
    PrivateKey privateKey = ManifestSigner.readPrivateKey(privateFile);
    PublicKey publicKey = ManifestSigner.readPublicKey(publicFile);

    assertThat(privateKey.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    assertThat(publicKey.getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(ManifestSigner.keyId(publicKey)).isEqualTo(ManifestSigner.keyId(pair.getPublic()));
    assertThat(Files.readString(privateFile)).startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----\n");
    if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
    }
    SignedManifest signed = ManifestSigner.sign(ManifestVerifierTest.manifest(3, false), privateKey, publicKey);
    assertThatCode(() -> ManifestVerifier.fromKeyDirectory(temp, ManifestVerifierTest.CLOCK)
        .verify(signed, ManifestVerifierTest.SHA, 0)).doesNotThrowAnyException();
  }

  @Test
  void refusesToOverwriteOrMisreadKeys() throws Exception {
    KeyPair pair = ManifestSigner.generate();
    Path publicFile = temp.resolve("release.pub");
    ManifestSigner.writePublicKey(publicFile, pair.getPublic());

    assertThatThrownBy(() -> ManifestSigner.writePublicKey(publicFile, pair.getPublic()))
        .hasMessageContaining("already exists");
    assertThatThrownBy(() -> ManifestSigner.readPrivateKey(publicFile))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a private key file");
    assertThatThrownBy(() -> ManifestSigner.readPublicKey(temp.resolve("missing.pub")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not found");
  }

  @Test
  void refusesKeysThatAreNotAPair() {
    KeyPair one = ManifestSigner.generate();
    KeyPair other = ManifestSigner.generate();

    assertThatThrownBy(() -> ManifestSigner.sign(ManifestVerifierTest.manifest(3, false), one.getPrivate(),
        other.getPublic())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("are not a pair");
  }

  @Test
  void keyDirectoryTrustsEveryPublicKey() throws Exception {
    KeyPair first = ManifestSigner.generate();
    KeyPair second = ManifestSigner.generate();
    ManifestSigner.writePublicKey(temp.resolve("2025.pub"), first.getPublic());
    ManifestSigner.writePublicKey(temp.resolve("2026.pub"), second.getPublic());
    ManifestSigner.writePrivateKey(temp.resolve("2026.key"), second.getPrivate());

    ManifestVerifier verifier = ManifestVerifier.fromKeyDirectory(temp, ManifestVerifierTest.CLOCK);

    assertThat(verifier.trustedKeyIds()).containsExactlyInAnyOrder(
        ManifestSigner.keyId(first.getPublic()), ManifestSigner.keyId(second.getPublic()));
    assertThatThrownBy(() -> ManifestVerifier.fromKeyDirectory(Files.createDirectory(temp.resolve("empty")),
        ManifestVerifierTest.CLOCK)).hasMessageContaining("no trusted keys");
    assertThat(new ManifestVerifier(Map.of(), ManifestVerifierTest.CLOCK).trustedKeyIds()).isEmpty();
  }
}
