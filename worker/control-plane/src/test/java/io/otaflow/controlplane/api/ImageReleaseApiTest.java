package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.api.ControlPlaneUnderTest.Answer;
import io.otaflow.testtools.LocalImageRegistry;
import io.otaflow.testtools.TestImages;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/releases} with an image: resolved once in a real registry (Debian's docker-registry), stored and
 * signed by digest only.
 */
class ImageReleaseApiTest {

  private static final AtomicInteger VERSIONS = new AtomicInteger();
  private static LocalImageRegistry registry;

  @RegisterExtension
  static final ControlPlaneUnderTest api = ControlPlaneUnderTest.perTestClass(ImageReleaseApiTest::withRegistry);

  /** A registry of its own, spoken to over plain HTTP, and a signing key. */
  private static Map<String, String> withRegistry(Path dataDir) throws Exception {
    registry = LocalImageRegistry.start(Files.createDirectories(dataDir.resolve("registry")));
    KeyPair key = ManifestSigner.generate();
    Path keyFile = Files.createDirectories(dataDir.resolve("keys")).resolve("server.key");
    ManifestSigner.writePrivateKey(keyFile, key.getPrivate());
    ManifestSigner.writePublicKey(ManifestSigner.publicKeyFile(keyFile), key.getPublic());
    return Map.of("otaflow.signing.key-file", keyFile.toString(),
        "otaflow.images.insecure-registries", registry.host());
  }

  @AfterAll
  static void stopRegistry() throws InterruptedException {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void anImageByTagIsRegisteredAndSignedByItsDigest() throws Exception {
    String version = version();
    TestImages.Pushed pushed = TestImages.push(registry.host(), "robots/perception", version, "perception " + version);
    String pinned = registry.host() + "/robots/perception@" + pushed.digest();

    Answer created = api.post("/api/v1/releases", "{\"version\": \"" + version + "\", \"image\": \""
        + registry.host() + "/robots/perception:" + version + "\", \"labels\": {\"model\": \"mk2\"}}");

    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    assertThat(created.body().path("image").asText()).isEqualTo(pinned);
    assertThat(created.body().path("artifactUrl").isNull()).isTrue();
    assertThat(created.body().path("sha256").asText()).isEqualTo(pushed.digest().substring("sha256:".length()));
    assertThat(created.body().path("sizeBytes").asLong()).isEqualTo(pushed.sizeBytes());
    ReleaseManifest manifest = SignedManifest.fromJson(created.body().path("signedManifest").toString()).manifest();
    assertThat(manifest.image()).isEqualTo(pinned);
    assertThat(manifest.artifactSha256()).isEqualTo(created.body().path("sha256").asText());
    assertThat(api.get("/api/v1/releases/" + version).body().path("image").asText()).isEqualTo(pinned);
  }

  @Test
  void theSameTagAgainIsTheSameReleaseButAMovedTagIsAConflict() throws Exception {
    String version = version();
    String body = "{\"version\": \"" + version + "\", \"image\": \"" + registry.host() + "/perception:" + version
        + "\"}";
    TestImages.push(registry.host(), "perception", version, "first");
    assertThat(api.post("/api/v1/releases", body).status()).isEqualTo(201);
    assertThat(api.post("/api/v1/releases", body).status()).isEqualTo(200);

    TestImages.push(registry.host(), "perception", version, "moved");
    Answer moved = api.post("/api/v1/releases", body);

    assertThat(moved.status()).isEqualTo(409);
    assertThat(moved.error()).isEqualTo("release " + version + " is already registered with a different artifact");
  }

  @Test
  void badImagesAreRefusedNamingTheField() throws Exception {
    String version = version();
    Answer unknown = api.post("/api/v1/releases", "{\"version\": \"" + version + "\", \"image\": \""
        + registry.host() + "/perception:no-such-tag\"}");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("field").asText()).isEqualTo("image");
    assertThat(unknown.error()).endsWith("has no manifest no-such-tag (404)");

    Answer malformed = api.post("/api/v1/releases", "{\"version\": \"" + version + "\", \"image\": \"Perception\"}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.error()).startsWith("image: image reference 'Perception' is not ");

    Answer both = api.post("/api/v1/releases", "{\"version\": \"" + version + "\", \"image\": \"perception:1\","
        + " \"artifactUrl\": \"http://x/a.tar.gz\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.error()).isEqualTo("image: give artifactUrl (an archive) or image, not both");

    TestImages.Pushed pushed = TestImages.push(registry.host(), "perception", version, "x");
    Answer wrongSha = api.post("/api/v1/releases", "{\"version\": \"" + version + "\", \"image\": \""
        + registry.host() + "/perception:" + version + "\", \"sha256\": \"" + "d".repeat(64) + "\"}");
    assertThat(wrongSha.status()).isEqualTo(400);
    assertThat(wrongSha.error()).isEqualTo("sha256: " + "d".repeat(64) + " is not the digest of " + registry.host()
        + "/perception:" + version + " in its registry, " + pushed.digest());
    assertThat(api.get("/api/v1/releases/" + version).status()).isEqualTo(404);
  }

  @Test
  void anUnreachableRegistryIsABadGateway() throws Exception {
    Answer answer = api.post("/api/v1/releases", "{\"version\": \"" + version() + "\", \"image\": "
        + "\"registry.invalid/perception:1.0\"}");

    assertThat(answer.status()).isEqualTo(502);
    assertThat(answer.error()).startsWith("image registry.invalid/perception:1.0: cannot reach registry.invalid");
  }

  private static String version() {
    return "3.0." + VERSIONS.incrementAndGet();
  }
}
