package io.otaflow.cli;

import io.otaflow.controlplane.ControlPlaneApplication;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/** The control plane as the agent tests run it: against Temporal's test server, H2 under the test's directory. */
final class TestControlPlane {

  private TestControlPlane() {
  }

  /** Without the REST API: these tests talk to it in-process. */
  static ConfigurableApplicationContext start(String temporalTarget, Path dataDir) {
    return ControlPlaneApplication.start(Map.of(
        "spring.temporal.connection.target", temporalTarget,
        "otaflow.temporal.test-server", "true",
        "spring.main.web-application-type", "none",
        "otaflow.data-dir", dataDir.resolve("control").toString()));
  }
}
