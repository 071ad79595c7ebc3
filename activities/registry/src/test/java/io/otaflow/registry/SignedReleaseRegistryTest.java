package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.T0;
import static io.otaflow.registry.RegistryFixtures.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.plan.TargetSelector;
import io.otaflow.release.Release;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;

/** The registry keeps a release's signed manifest (migration V2) and hands it back with the release. */
class SignedReleaseRegistryTest {

  private static final KeyPair KEY = ManifestSigner.generate();

  private RegistryFixtures.Repositories registry;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    registry = RegistryFixtures.repositories(jdbi, new RegistryFixtures.TestClock(T0));
  }

  @OnEachDatabase
  void signedManifestRoundTripsWithTheRelease() {
    Release signed = signed(release("1.4.0"), 7);

    registry.releases().registerRelease(signed);
    registry.releases().registerRelease(signed); // same again: no-op

    assertThat(registry.releases().release("1.4.0")).contains(signed);
    assertThat(registry.releases().releases()).containsExactly(signed);
    assertThat(SignedManifest.fromJson(registry.releases().release("1.4.0").orElseThrow().signedManifest()).manifest()
        .releaseNumber()).isEqualTo(7);
  }

  @OnEachDatabase
  void unsignedReleaseHasNoManifest() {
    registry.releases().registerRelease(release("1.4.0"));

    assertThat(registry.releases().release("1.4.0").orElseThrow().signedManifest()).isNull();
  }

  @OnEachDatabase
  void reRegisteringWithAnotherManifestIsRefused() {
    registry.releases().registerRelease(signed(release("1.4.0"), 7));

    assertThatThrownBy(() -> registry.releases().registerRelease(signed(release("1.4.0"), 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different signed manifest");
    assertThatThrownBy(() -> registry.releases().registerRelease(release("1.4.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different signed manifest");
    assertThat(registry.releases().release("1.4.0")).contains(signed(release("1.4.0"), 7));
  }

  @OnEachDatabase
  void signingAnUnsignedReleaseLaterIsRefused() {
    registry.releases().registerRelease(release("1.4.0"));

    assertThatThrownBy(() -> registry.releases().registerRelease(signed(release("1.4.0"), 7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different signed manifest");
  }

  @OnEachDatabase
  void rolloutRequestCarriesTheSignedManifest() {
    Release signed = signed(release("1.4.0"), 7);
    registry.releases().registerRelease(signed);
    RolloutRequest request = new RolloutRequest("ro-1", signed, RegistryFixtures.fourStagePlan(),
        TargetSelector.wholeFleet(), null);

    registry.rollouts().createRollout(request, Set.of());

    assertThat(registry.rollouts().rolloutRequest("ro-1")).contains(request);
  }

  /** Deterministic JSON for the same release number: a fixed expiry, and Ed25519 signatures are deterministic. */
  private static Release signed(Release release, long releaseNumber) {
    ReleaseManifest manifest = new ReleaseManifest(release.version(), release.sha256(), release.sizeBytes(),
        Map.of("site", "oslo"), T0.plus(Duration.ofDays(30)), releaseNumber, false);
    return release.withSignedManifest(ManifestSigner.sign(manifest, KEY.getPrivate(), KEY.getPublic()).toJson());
  }
}
