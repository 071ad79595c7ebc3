package io.otaflow.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  @Test
  void readsARegistryPortPathAndTag() {
    ImageReference reference = ImageReference.parse("localhost:5000/robots/perception:2.0.0-rc.1");

    assertThat(reference.repository()).isEqualTo("localhost:5000/robots/perception");
    assertThat(reference.tag()).isEqualTo("2.0.0-rc.1");
    assertThat(reference.digest()).isNull();
    assertThat(reference.pinned()).isFalse();
    assertThat(reference.registry()).isEqualTo("localhost:5000");
  }

  @Test
  void readsADigest() {
    ImageReference reference = ImageReference.parse("registry.example.com/perception@" + DIGEST);

    assertThat(reference.pinned()).isTrue();
    assertThat(reference.digestHex()).isEqualTo("0123456789abcdef".repeat(4));
    assertThat(reference.tag()).isNull();
    assertThat(reference).hasToString("registry.example.com/perception@" + DIGEST);
  }

  @Test
  void aRepositoryWithoutARegistryHostHasNone() {
    assertThat(ImageReference.parse("humanoid-perception:latest").registry()).isNull();
    assertThat(ImageReference.parse("robots/humanoid-perception").registry()).isNull();
  }

  @Test
  void pinningDropsTheTag() {
    ImageReference tagged = ImageReference.parse("localhost:5000/perception:current");

    assertThat(tagged.pinnedTo(DIGEST.toUpperCase().replace("SHA256", "sha256")))
        .hasToString("localhost:5000/perception@" + DIGEST);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "  "})
  void refusesAnEmptyReference(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text)).hasMessage("image reference is empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Perception:1.0", "perception:", "perception:-x", "/perception", "perception//x",
      "perception:1.0:2.0", "perception latest"})
  void refusesWhatDockerWouldNotPull(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text)).hasMessage("image reference '" + text
        + "' is not [registry/]repository[:tag] or [registry/]repository@sha256:<digest> (lowercase repository path)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"perception@sha512:abcd", "perception@sha256:ABC", "perception@sha256:0123"})
  void refusesADigestThatIsNotSha256(String text) {
    assertThatThrownBy(() -> ImageReference.parse(text)).hasMessage("image reference '" + text
        + "': the digest must be sha256: and 64 lowercase hex characters");
  }

  @Test
  void aTagOnlyReferenceHasNoDigest() {
    assertThatThrownBy(() -> ImageReference.parse("perception:latest").digestHex())
        .hasMessage("image reference perception:latest has no digest");
  }
}
