package io.otaflow.cli;

import io.otaflow.controlplane.ControlPlaneApplication;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.web.context.WebServerApplicationContext;
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

  /** With the REST API on a free port ({@link #apiUrl}), for the CLI; {@code properties} add to the defaults. */
  static ConfigurableApplicationContext startWithApi(String temporalTarget, Path dataDir,
                                                     Map<String, String> properties) {
    Map<String, String> all = new HashMap<>(Map.of(
        "spring.temporal.connection.target", temporalTarget,
        "otaflow.temporal.test-server", "true",
        "otaflow.data-dir", dataDir.resolve("control").toString(),
        "server.port", "0",
        "management.server.port", "0"));
    all.putAll(properties);
    return ControlPlaneApplication.start(all);
  }

  /** What {@code --server} takes to reach a control plane from {@link #startWithApi}. */
  static String apiUrl(ConfigurableApplicationContext controlPlane) {
    return "http://127.0.0.1:" + ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
  }
}
