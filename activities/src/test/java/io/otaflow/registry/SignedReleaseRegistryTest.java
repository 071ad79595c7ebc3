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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry keeps a release's signed manifest (migration V2) and hands it back with the release. */
class SignedReleaseRegistryTest {

  private static final KeyPair KEY = ManifestSigner.generate();

  private FleetRegistry registry;

  @BeforeEach
  void setUp() {
    registry = new FleetRegistry(RegistryFixtures.memoryDb(), new RegistryFixtures.TestClock(T0));
  }

  @Test
  void signedManifestRoundTripsWithTheRelease() {
    Release signed = signed(release("1.4.0"), 7);

    registry.registerRelease(signed);
    registry.registerRelease(signed); // same again: no-op

    assertThat(registry.release("1.4.0")).contains(signed);
    assertThat(registry.releases()).containsExactly(signed);
    assertThat(SignedManifest.fromJson(registry.release("1.4.0").orElseThrow().signedManifest()).manifest()
        .releaseNumber()).isEqualTo(7);
  }

  @Test
  void unsignedReleaseHasNoManifest() {
    registry.registerRelease(release("1.4.0"));

    assertThat(registry.release("1.4.0").orElseThrow().signedManifest()).isNull();
  }

  @Test
  void reRegisteringWithAnotherManifestIsRefused() {
    registry.registerRelease(signed(release("1.4.0"), 7));

    assertThatThrownBy(() -> registry.registerRelease(signed(release("1.4.0"), 8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different signed manifest");
    assertThatThrownBy(() -> registry.registerRelease(release("1.4.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different signed manifest");
    assertThat(registry.release("1.4.0")).contains(signed(release("1.4.0"), 7));
  }

  @Test
  void signingAnUnsignedReleaseLaterIsRefused() {
    registry.registerRelease(release("1.4.0"));

    assertThatThrownBy(() -> registry.registerRelease(signed(release("1.4.0"), 7)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 is already registered with a different signed manifest");
  }

  @Test
  void rolloutRequestCarriesTheSignedManifest() {
    Release signed = signed(release("1.4.0"), 7);
    registry.registerRelease(signed);
    RolloutRequest request = new RolloutRequest("ro-1", signed, RegistryFixtures.fourStagePlan(),
        TargetSelector.wholeFleet());

    registry.createRollout(request);

    assertThat(registry.rolloutRequest("ro-1")).contains(request);
    assertThatThrownBy(() -> registry.createRollout(new RolloutRequest("ro-2", release("1.4.0"),
        RegistryFixtures.fourStagePlan(), TargetSelector.wholeFleet())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("release 1.4.0 differs from the registered one");
  }

  /** Deterministic JSON for the same release number: a fixed expiry, and Ed25519 signatures are deterministic. */
  private static Release signed(Release release, long releaseNumber) {
    ReleaseManifest manifest = new ReleaseManifest(release.version(), release.sha256(), release.sizeBytes(),
        Map.of("site", "oslo"), T0.plus(Duration.ofDays(30)), releaseNumber, false);
    return release.withSignedManifest(ManifestSigner.sign(manifest, KEY.getPrivate(), KEY.getPublic()).toJson());
  }
}
