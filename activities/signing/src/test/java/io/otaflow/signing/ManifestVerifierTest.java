package io.otaflow.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.signing.ManifestRejectedException.Reason;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestVerifierTest {

  static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String SHA = "a".repeat(64);
  static final String OTHER_SHA = "b".repeat(64);

  final KeyPair key = ManifestSigner.generate();
  final ManifestVerifier verifier = new ManifestVerifier(Map.of(ManifestSigner.keyId(key.getPublic()),
      key.getPublic()), CLOCK);

  static ReleaseManifest manifest(long releaseNumber, boolean rollback) {
    return new ReleaseManifest("2.0.0", SHA, 1234, Map.of("model", "rx-7", "site", "lyon"),
        NOW.plus(Duration.ofDays(30)), releaseNumber, rollback);
  }

  SignedManifest signed(ReleaseManifest manifest) {
    return ManifestSigner.sign(manifest, key.getPrivate(), key.getPublic());
  }

  @Test
  void acceptsAGoodManifest() {
    SignedManifest signed = signed(manifest(8, false));

    assertThat(signed.keyId()).hasSize(16).matches("[0-9a-f]{16}");
    assertThatCode(() -> verifier.verify(signed, SHA, 7)).doesNotThrowAnyException();
    assertThatCode(() -> verifier.verify(signed, SHA.toUpperCase(), 8)).doesNotThrowAnyException();
  }

  @Test
  void survivesAJsonRoundTrip() {
    SignedManifest signed = signed(manifest(8, false));

    SignedManifest read = SignedManifest.fromJson(signed.toJson());

    assertThat(read).isEqualTo(signed);
    assertThatCode(() -> verifier.verify(read, SHA, 7)).doesNotThrowAnyException();
  }

  @Test
  void canonicalBytesHaveAFixedOrderAndSortedLabels() {
    ReleaseManifest manifest = new ReleaseManifest("2.0.0", SHA, 1234, Map.of("z", "1", "a", "2"),
        Instant.parse("2026-12-01T00:00:00Z"), 8, false);

    assertThat(new String(manifest.canonicalBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(
        "{\"version\":\"2.0.0\",\"artifactSha256\":\"" + SHA + "\",\"sizeBytes\":1234,"
            + "\"targetLabels\":{\"a\":\"2\",\"z\":\"1\"},\"expiresAt\":\"2026-12-01T00:00:00Z\","
            + "\"releaseNumber\":8,\"rollback\":false}");
  }

  @Test
  void rejectsAFieldChangedAfterSigning() {
    SignedManifest signed = signed(manifest(8, false));
    String json = signed.toJson().replace("\"2.0.0\"", "\"2.0.1\"");
    SignedManifest tampered = SignedManifest.fromJson(json);
    assertThat(tampered.manifest().version()).isEqualTo("2.0.1");

    assertRejected(tampered, SHA, 7, Reason.BAD_SIGNATURE,
        "signature: does not match the manifest (key " + signed.keyId() + ")");
  }

  @Test
  void rejectsALabelAddedAfterSigning() {
    SignedManifest signed = signed(manifest(8, false));
    SignedManifest tampered = new SignedManifest(new ReleaseManifest("2.0.0", SHA, 1234,
        Map.of("model", "rx-7", "site", "lyon", "extra", "yes"), NOW.plus(Duration.ofDays(30)), 8, false),
        signed.keyId(), signed.signature());

    assertRejected(tampered, SHA, 7, Reason.BAD_SIGNATURE, "signature: does not match the manifest");
  }

  @Test
  void rejectsGarbageSignature() {
    SignedManifest signed = signed(manifest(8, false));

    assertRejected(new SignedManifest(signed.manifest(), signed.keyId(), "not base64!"), SHA, 7,
        Reason.BAD_SIGNATURE, "signature: does not match the manifest");
    assertRejected(new SignedManifest(signed.manifest(), signed.keyId(), "AAAA"), SHA, 7,
        Reason.BAD_SIGNATURE, "signature: does not match the manifest");
  }

  @Test
  void rejectsAnUntrustedKey() {
    KeyPair stranger = ManifestSigner.generate();
    SignedManifest signed = ManifestSigner.sign(manifest(8, false), stranger.getPrivate(), stranger.getPublic());

    assertRejected(signed, SHA, 7, Reason.UNKNOWN_KEY,
        "signature: key " + ManifestSigner.keyId(stranger.getPublic()) + " is not trusted");
  }

  @Test
  void rejectsAStrangersSignatureUnderATrustedKeyId() {
    KeyPair stranger = ManifestSigner.generate();
    SignedManifest byStranger = ManifestSigner.sign(manifest(8, false), stranger.getPrivate(),
        stranger.getPublic());
    SignedManifest forged = new SignedManifest(byStranger.manifest(), ManifestSigner.keyId(key.getPublic()),
        byStranger.signature());

    assertRejected(forged, SHA, 7, Reason.BAD_SIGNATURE, "signature: does not match the manifest");
  }

  @Test
  void acceptsEitherKeyDuringRotation() {
    KeyPair next = ManifestSigner.generate();
    ManifestVerifier rotating = new ManifestVerifier(Map.of(
        ManifestSigner.keyId(key.getPublic()), key.getPublic(),
        ManifestSigner.keyId(next.getPublic()), next.getPublic()), CLOCK);

    SignedManifest byNext = ManifestSigner.sign(manifest(8, false), next.getPrivate(), next.getPublic());

    assertThatCode(() -> rotating.verify(byNext, SHA, 7)).doesNotThrowAnyException();
    assertThatCode(() -> rotating.verify(signed(manifest(8, false)), SHA, 7)).doesNotThrowAnyException();
  }

  @Test
  void rejectsAnExpiredManifest() {
    Instant expiresAt = NOW.minusSeconds(1);
    SignedManifest signed = signed(new ReleaseManifest("2.0.0", SHA, 1234, Map.of(), expiresAt, 8, false));

    assertRejected(signed, SHA, 7, Reason.EXPIRED, "manifest: expired at 2026-11-22T08:59:59Z");
    SignedManifest atTheInstant = signed(new ReleaseManifest("2.0.0", SHA, 1234, Map.of(), NOW, 8, false));
    assertRejected(atTheInstant, SHA, 7, Reason.EXPIRED, "manifest: expired at " + NOW);
  }

  @Test
  void rejectsADowngrade() {
    assertRejected(signed(manifest(4, false)), SHA, 7, Reason.DOWNGRADE,
        "manifest: release number 4 is lower than installed 7 and the manifest is not a signed rollback");
  }

  @Test
  void acceptsASignedRollback() {
    assertThatCode(() -> verifier.verify(signed(manifest(4, true)), SHA, 7)).doesNotThrowAnyException();
  }

  @Test
  void rejectsARollbackFlagAddedAfterSigning() {
    SignedManifest signed = signed(manifest(4, false));
    SignedManifest tampered = new SignedManifest(manifest(4, true), signed.keyId(), signed.signature());

    assertRejected(tampered, SHA, 7, Reason.BAD_SIGNATURE, "signature: does not match the manifest");
  }

  @Test
  void rejectsAnotherArtifact() {
    assertRejected(signed(manifest(8, false)), OTHER_SHA, 7, Reason.HASH_MISMATCH,
        "manifest: artifact sha256 bbbbbbbb… does not match the manifest's aaaaaaaa…");
  }

  @Test
  void refusesUnknownFieldsAndBadValuesWhenReading() {
    String json = signed(manifest(8, false)).toJson();

    assertThatThrownBy(() -> SignedManifest.fromJson(json.replace("\"rollback\"", "\"rollbackk\"")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown field rollbackk");
    assertThatThrownBy(() -> SignedManifest.fromJson(json.replace("\"releaseNumber\" : 8", "\"releaseNumber\" : \"8\"")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("releaseNumber must be an integer");
    assertThatThrownBy(() -> SignedManifest.fromJson("{"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void reasonSurvivesSerialization() throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(new ManifestRejectedException(Reason.DOWNGRADE, "x"));
    }
    try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(((ManifestRejectedException) in.readObject()).reason()).isEqualTo(Reason.DOWNGRADE);
    }
  }

  private void assertRejected(SignedManifest signed, String sha, long installed, Reason reason, String message) {
    assertThatThrownBy(() -> verifier.verify(signed, sha, installed))
        .isInstanceOfSatisfying(ManifestRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(message);
  }
}
