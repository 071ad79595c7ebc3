package io.otaflow.signing;

import static io.otaflow.signing.ManifestVerifierTest.CLOCK;
import static io.otaflow.signing.ManifestVerifierTest.NOW;
import static io.otaflow.signing.ManifestVerifierTest.SHA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Container image manifests, and the archive manifests signed before they existed. */
class ImageManifestTest {

  static final String IMAGE = "registry.example.test:5000/robots/perception@sha256:" + SHA;

  final KeyPair key = ManifestSigner.generate();
  final ManifestVerifier verifier = new ManifestVerifier(Map.of(ManifestSigner.keyId(key.getPublic()),
      key.getPublic()), CLOCK);

  static ReleaseManifest imageManifest(String image) {
    return new ReleaseManifest("2.0.0", SHA, 52_428_800, Map.of("model", "rx-7"), NOW.plus(Duration.ofDays(30)), 9,
        false, image);
  }

  @Test
  void anImageIsTheLastFieldOfTheCanonicalBytes() {
    ReleaseManifest manifest = new ReleaseManifest("2.0.0", SHA, 1234, Map.of(),
        Instant.parse("2026-12-01T00:00:00Z"), 8, false, IMAGE);

    assertThat(new String(manifest.canonicalBytes(), StandardCharsets.UTF_8)).isEqualTo(
        "{\"version\":\"2.0.0\",\"artifactSha256\":\"" + SHA + "\",\"sizeBytes\":1234,\"targetLabels\":{},"
            + "\"expiresAt\":\"2026-12-01T00:00:00Z\",\"releaseNumber\":8,\"rollback\":false,\"image\":\"" + IMAGE
            + "\"}");
  }

  @Test
  void aSignedImageManifestSurvivesAJsonRoundTripAndVerifies() {
    SignedManifest signed = ManifestSigner.sign(imageManifest(IMAGE), key.getPrivate(), key.getPublic());

    SignedManifest read = SignedManifest.fromJson(signed.toJson());

    assertThat(read).isEqualTo(signed);
    assertThat(read.manifest().image()).isEqualTo(IMAGE);
    assertThatCode(() -> verifier.verify(read, SHA, 8)).doesNotThrowAnyException();
  }

  @Test
  void anImageSwappedAfterSigningBreaksTheSignature() {
    SignedManifest signed = ManifestSigner.sign(imageManifest(IMAGE), key.getPrivate(), key.getPublic());
    String elsewhere = "registry.example.test:5000/robots/other@sha256:" + SHA;
    SignedManifest tampered = SignedManifest.fromJson(signed.toJson().replace(IMAGE, elsewhere));

    assertThatThrownBy(() -> verifier.verify(tampered, SHA, 8))
        .isInstanceOf(ManifestRejectedException.class)
        .hasMessage("signature: does not match the manifest (key " + signed.keyId() + ")");
  }

  @Test
  void anImageNotNamedByTheManifestsDigestIsRefused() {
    String tagged = "registry.example.test:5000/robots/perception:2.0.0";

    assertThatThrownBy(() -> imageManifest(tagged))
        .hasMessage("manifest: image " + tagged + " is not named by its digest sha256:" + SHA);
    assertThatThrownBy(() -> imageManifest("perception@sha256:" + "b".repeat(64)))
        .hasMessageStartingWith("manifest: image perception@sha256:bbbb");
  }

  @Test
  void anArchiveManifestSignedBeforeImageReleasesStillVerifies() throws Exception {
    Path dir = resource("signed-before-images");
    SignedManifest signed = SignedManifest.read(dir.resolve("before-images.manifest.json"));
    ManifestVerifier trusting = ManifestVerifier.fromKeyDirectory(dir, CLOCK);

    assertThat(signed.manifest().image()).isNull();
    assertThatCode(() -> trusting.verify(signed, signed.manifest().artifactSha256(), 9))
        .doesNotThrowAnyException();
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ImageManifestTest.class.getClassLoader().getResource(name).toURI());
  }
}
