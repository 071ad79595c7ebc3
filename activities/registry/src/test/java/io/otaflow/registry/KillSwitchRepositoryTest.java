package io.otaflow.registry;

import static io.otaflow.registry.RegistryFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;

/** The kill switch's one row and its history. */
class KillSwitchRepositoryTest {

  private RegistryFixtures.TestClock clock;
  private KillSwitchRepository killSwitch;

  @BeforeEach
  void setUp(Jdbi jdbi) {
    clock = new RegistryFixtures.TestClock(T0);
    killSwitch = new KillSwitchRepository(jdbi, clock);
  }

  @OnEachDatabase
  void isOffUntilSomeoneTurnsItOn() {
    assertThat(killSwitch.state()).isEqualTo(new KillSwitchRecord(false, null, null, null));
    assertThat(killSwitch.state().describe()).isEqualTo("off (never switched on)");
    assertThat(killSwitch.history()).isEmpty();
  }

  @OnEachDatabase
  void keepsWhoSetItWhyAndSinceWhenUntilItChangesPosition() {
    KillSwitchRecord on = killSwitch.set(true, "ana", "bad batch of motors");

    assertThat(on).isEqualTo(new KillSwitchRecord(true, "ana", "bad batch of motors", T0));
    assertThat(on.describe()).isEqualTo("on since 2030-01-01T00:00Z (ana: bad batch of motors)");
    clock.advance(Duration.ofMinutes(5));
    assertThat(killSwitch.set(true, "bob", "me too")).as("on already: still ana's").isEqualTo(on);
    assertThat(killSwitch.state()).isEqualTo(on);

    clock.advance(Duration.ofMinutes(5));
    KillSwitchRecord off = killSwitch.set(false, "bob", null);
    assertThat(off).isEqualTo(new KillSwitchRecord(false, "bob", null, T0.plus(Duration.ofMinutes(10))));
    assertThat(off.describe()).isEqualTo("off since 2030-01-01T00:10Z (bob)");
    assertThat(killSwitch.set(false, "cy", "again")).isEqualTo(off);

    assertThat(killSwitch.history()).containsExactly(off, on);
  }
}
