package io.otaflow.cli;

import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.controlplane.RegistryMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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

  /** Prometheus's metrics of a control plane from {@link #startWithApi}, as scraped from its management port. */
  static String scrapeMetrics(ConfigurableApplicationContext controlPlane) throws Exception {
    controlPlane.getBean(RegistryMetrics.class).refresh();
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + controlPlane.getEnvironment().getProperty("local.management.port")
                + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("/actuator/prometheus answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** Scrapes until every one of {@code patterns} is found, for at most a minute; returns the last scrape. */
  static String awaitMetrics(ConfigurableApplicationContext controlPlane, List<String> patterns) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    String scrape = scrapeMetrics(controlPlane);
    while (!allFound(scrape, patterns) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      scrape = scrapeMetrics(controlPlane);
    }
    return scrape;
  }

  private static boolean allFound(String scrape, List<String> patterns) {
    return patterns.stream().allMatch(pattern -> Pattern.compile(pattern).matcher(scrape).find());
  }

  /** What {@code --server} takes to reach a control plane from {@link #startWithApi}. */
  static String apiUrl(ConfigurableApplicationContext controlPlane) {
    return "http://127.0.0.1:" + ((WebServerApplicationContext) controlPlane).getWebServer().getPort();
  }
}
