package io.otaflow.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testserver.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestServerLockEventsTest {

  /** Fails when an SDK upgrade moves what the workaround reaches for: the embedded server would slow down again. */
  @Test
  void theTestServerThisBuildShipsTakesTheList() {
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(LocalPorts.free(), true)) {
      assertThat(TestServerLockEvents.removeFromTheTail(server)).isTrue();
    }
  }

  @Test
  void removalTakesTheLastOccurrence() {
    var entries = new TestServerLockEvents.RemovedFromTheTail<>(List.of("lock", "unlock", "lock"));

    assertThat(entries.remove("lock")).isTrue();
    assertThat(entries).containsExactly("lock", "unlock");
    assertThat(entries.remove("missing")).isFalse();
  }
}
