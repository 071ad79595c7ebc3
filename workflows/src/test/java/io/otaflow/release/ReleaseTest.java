package io.otaflow.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReleaseTest {

  private static final String URL = "https://artifacts.example.test/otaflow-1.4.0.tar.gz";
  private static final String SHA = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String IMAGE = "registry.example.test:5000/robots/perception";

  @Test
  void acceptsAValidRelease() {
    Release release = new Release("1.4.0", URL, SHA, 1024, "fixes the docking timeout", null);

    assertThat(release.validate()).isSameAs(release);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.1", "2.0.0-rc.1", "1.4.0+build.7", "10.20.30-beta-2+sha.5114f85"})
  void acceptsSemanticVersions(String version) {
    assertThat(new Release(version, "http://127.0.0.1:8080/a.tar.gz", SHA, 1, null, null).validate().version())
        .isEqualTo(version);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "1.4", "v1.4.0", "01.4.0", "1.4.0-", "1.4.0 ", "latest"})
  void refusesVersionThatIsNotSemantic(String version) {
    assertThatThrownBy(() -> new Release(version, URL, SHA, 1024, "", null).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release.version: '" + version + "' is not a semantic version (like 1.2.3)");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "ftp://artifacts.example.test/a.tar.gz", "file:///tmp/a.tar.gz", "artifacts/a.tar.gz"})
  void refusesArtifactUrlThatIsNotHttp(String url) {
    assertThatThrownBy(() -> new Release("1.4.0", url, SHA, 1024, "", null).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release.artifactUrl: '" + url + "' is not an http(s) URL");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "abc123", "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"})
  void refusesShaThatIsNot64LowercaseHex(String sha) {
    assertThatThrownBy(() -> new Release("1.4.0", URL, sha, 1024, "", null).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release.sha256: must be 64 lowercase hex characters");
  }

  @Test
  void refusesShaOneCharacterTooLong() {
    assertThatThrownBy(() -> new Release("1.4.0", URL, SHA + "0", 1024, "", null).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("release.sha256: ");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1})
  void refusesSizeThatIsNotPositive(long size) {
    assertThatThrownBy(() -> new Release("1.4.0", URL, SHA, size, "", null).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release.sizeBytes: must be positive, was " + size);
  }

  @Test
  void namesTheFirstInvalidField() {
    assertThatThrownBy(() -> new Release("1.4", "ftp://x", "nope", 0, "", null).validate())
        .hasMessageStartingWith("release.version: ");
  }

  @Test
  void missingChangelogReadsAsEmpty() {
    assertThat(new Release("1.4.0", URL, SHA, 1024, null, null).changelog()).isEmpty();
  }

  @Test
  void acceptsAnImageByDigest() {
    Release release = new Release("2.0.0", null, SHA, 4096, "", null, IMAGE + "@sha256:" + SHA);

    assertThat(release.validate().hasImage()).isTrue();
    assertThat(new Release("1.4.0", URL, SHA, 1024, "", null).hasImage()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {IMAGE + ":2.0.0", IMAGE, IMAGE + ":2.0.0@sha256:" + SHA})
  void refusesAnImageNotNamedByDigestOnly(String image) {
    assertThatThrownBy(() -> new Release("2.0.0", null, SHA, 4096, "", null, image).validate())
        .hasMessage("release.image: '" + image
            + "' must name the image by digest only (repository@sha256:<digest>), not by tag");
  }

  @Test
  void refusesAnImageThatIsNotAReference() {
    assertThatThrownBy(() -> new Release("2.0.0", null, SHA, 4096, "", null, "Robots/Perception").validate())
        .hasMessageStartingWith("release.image: image reference 'Robots/Perception' is not ");
  }

  @Test
  void refusesAnImageWhoseDigestIsNotTheReleasesSha256() {
    String other = "f".repeat(64);

    assertThatThrownBy(() -> new Release("2.0.0", null, SHA, 4096, "", null, IMAGE + "@sha256:" + other).validate())
        .hasMessage("release.sha256: " + SHA + " is not the digest of image " + IMAGE + "@sha256:" + other);
  }

  @Test
  void refusesBothAnArchiveAndAnImage() {
    assertThatThrownBy(() -> new Release("2.0.0", URL, SHA, 4096, "", null, IMAGE + "@sha256:" + SHA).validate())
        .hasMessage("release: give artifactUrl (an archive) or image, not both");
  }
}
