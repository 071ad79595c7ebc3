package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.otaflow.signing.ArtifactDigest;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ManifestVerifier;
import io.otaflow.signing.SignedManifest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SigningCommandsTest {

  @TempDir
  Path temp;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int otaflow(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return new CommandLine(new Otaflow()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  void generatesKeysSignsAManifestThatVerifies() throws Exception {
    Path keys = temp.resolve("keys");
    Path artifact = Files.writeString(temp.resolve("robot-2.0.0.tar.gz"), "pretend this is a release");

    assertThat(otaflow("keys", "generate", "--out", keys.toString(), "--name", "fleet-2026")).isZero();
    String keyId = ManifestSigner.keyId(ManifestSigner.readPublicKey(keys.resolve("fleet-2026.pub")));
    assertThat(out.toString()).contains("Key id:      " + keyId);
    assertThat(keys.resolve("fleet-2026.key")).exists();

    Path manifestFile = temp.resolve("manifest.json");
    assertThat(otaflow("release", "sign", "--key", keys.resolve("fleet-2026.key").toString(),
        "--version", "2.0.0", "--artifact", artifact.toString(), "--release-number", "8",
        "--expires-in", "7d", "--label", "model=rx-7", "--label", "site=lyon",
        "--out", manifestFile.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Signed release 2.0.0 (release number 8) with key " + keyId)
        .contains("Wrote " + manifestFile);

    SignedManifest signed = SignedManifest.read(manifestFile);
    assertThat(signed.manifest().targetLabels()).isEqualTo(Map.of("model", "rx-7", "site", "lyon"));
    assertThat(signed.manifest().sizeBytes()).isEqualTo(Files.size(artifact));
    assertThat(signed.manifest().rollback()).isFalse();
    assertThat(signed.manifest().expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(6)),
        Instant.now().plus(Duration.ofDays(7)));
    ManifestVerifier verifier = ManifestVerifier.fromKeyDirectory(keys, Clock.systemUTC());
    assertThatCode(() -> verifier.verify(signed, ArtifactDigest.sha256Hex(artifact), 7))
        .doesNotThrowAnyException();
  }

  @Test
  void signsARollback() throws Exception {
    Path artifact = Files.writeString(temp.resolve("robot-1.0.0.tar.gz"), "old release");
    assertThat(otaflow("keys", "generate", "--out", temp.toString())).isZero();

    assertThat(otaflow("release", "sign", "--key", temp.resolve("release.key").toString(), "--version", "1.0.0",
        "--artifact", artifact.toString(), "--release-number", "4", "--rollback",
        "--out", temp.resolve("m.json").toString())).isZero();

    assertThat(out.toString()).contains("(release number 4, rollback)");
    assertThatCode(() -> ManifestVerifier.fromKeyDirectory(temp, Clock.systemUTC())
        .verify(SignedManifest.read(temp.resolve("m.json")), ArtifactDigest.sha256Hex(artifact), 7))
        .doesNotThrowAnyException();
  }

  @Test
  void reportsMissingFilesAndBadArguments() throws Exception {
    Path artifact = Files.writeString(temp.resolve("a.bin"), "x");
    assertThat(otaflow("keys", "generate", "--out", temp.toString())).isZero();
    String key = temp.resolve("release.key").toString();

    assertThat(otaflow("keys", "generate", "--out", temp.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("already exists");

    assertThat(otaflow("release", "sign", "--key", temp.resolve("nope.key").toString(), "--version", "1",
        "--artifact", artifact.toString(), "--release-number", "1", "--out", temp.resolve("m.json").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("private key").contains("nope.key not found");

    assertThat(otaflow("release", "sign", "--key", key, "--version", "1", "--artifact",
        temp.resolve("missing.bin").toString(), "--release-number", "1", "--out", temp.resolve("m.json").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("artifact").contains("missing.bin not found");

    assertThat(otaflow("release", "sign", "--key", key, "--version", "1", "--artifact", artifact.toString(),
        "--release-number", "1", "--expires-in", "soon", "--out", temp.resolve("m.json").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a duration");

    assertThat(otaflow("release", "sign", "--key", key, "--version", "1", "--artifact", artifact.toString(),
        "--release-number", "-3", "--out", temp.resolve("m.json").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--release-number must not be negative");

    assertThat(otaflow("release", "sign", "--key", key, "--version", "1", "--artifact", artifact.toString(),
        "--out", temp.resolve("m.json").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--release-number=N'");

    assertThat(temp.resolve("m.json")).doesNotExist();
  }
}
