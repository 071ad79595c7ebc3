package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.release.Release;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;

/** The registry keeps an image release's digest-pinned image (migration V12) in place of a download URL. */
class ImageReleaseRegistryTest {

  private static final String SHA = "c9b83e0d36b157075ed69849c0b9572da9ee192567e542d988f053efbd262108";
  private static final String IMAGE = "localhost:5000/robots/perception@sha256:" + SHA;

  private RegistryFixtures.Repositories registry;
  private Jdbi jdbi;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    this.jdbi = jdbi;
    registry = RegistryFixtures.repositories(jdbi, new RegistryFixtures.TestClock(T0));
  }

  @OnEachDatabase
  void anImageReleaseRoundTrips() {
    Release image = new Release("2.0.0", null, SHA, 52_428_800, "perception 2", null, IMAGE);

    registry.releases().registerRelease(image);
    registry.releases().registerRelease(image); // same again: no-op

    assertThat(registry.releases().release("2.0.0")).contains(image);
    assertThat(registry.releases().release("2.0.0").orElseThrow().artifactUrl()).isNull();
  }

  @OnEachDatabase
  void theSameVersionWithAnotherImageIsRefused() {
    registry.releases().registerRelease(new Release("2.0.0", null, SHA, 1, "", null, IMAGE));
    String other = "f".repeat(64);

    assertThatThrownBy(() -> registry.releases().registerRelease(
        new Release("2.0.0", null, other, 1, "", null, "localhost:5000/robots/perception@sha256:" + other)))
        .hasMessage("release 2.0.0 is already registered with a different artifact");
  }

  @OnEachDatabase
  void aRowWithNeitherAnArchiveNorAnImageCannotBeStored() {
    assertThatThrownBy(() -> jdbi.useHandle(h -> h.execute("INSERT INTO releases (version, sha256, size_bytes,"
        + " changelog, registered_at) VALUES ('9.9.9', '" + SHA + "', 1, '', CURRENT_TIMESTAMP)")))
        .satisfies(refused -> assertThat(refused.getMessage()).containsIgnoringCase("releases_one_artifact"));
    assertThat(registry.releases().release("9.9.9")).isEmpty();
  }
}
