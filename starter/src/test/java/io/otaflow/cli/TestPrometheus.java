package io.otaflow.cli;

import com.sun.net.httpserver.HttpServer;
import io.otaflow.controlplane.analysis.InstantValue;
import io.otaflow.controlplane.analysis.PrometheusClient;
import io.otaflow.controlplane.analysis.PrometheusUnavailableException;
import io.otaflow.testtools.ToolsOnPath;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) on a free loopback port, with its own configuration and
 * storage under the test's directory, scraping every second a {@code /metrics} endpoint whose series the test sets.
 * Without the binary the test is skipped, or fails when OTAFLOW_REQUIRE_TOOLS=1.
 */
final class TestPrometheus implements AutoCloseable {

  private final Map<String, Double> series = new ConcurrentSkipListMap<>();
  private final HttpServer metrics;
  private final Process prometheus;
  private final int port;

  private TestPrometheus(Path dir) throws IOException, InterruptedException {
    Path binary = ToolsOnPath.require("prometheus", "prometheus");
    metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    metrics.createContext("/metrics", exchange -> {
      StringBuilder text = new StringBuilder();
      series.forEach((name, value) -> text.append(name).append(' ').append(value).append('\n'));
      byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    metrics.start();
    Files.createDirectories(dir);
    Path config = Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: test
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(metrics.getAddress().getPort()));
    port = freePort();
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    TestProcesses.waitFor("prometheus to listen on port " + port + " (see " + dir.resolve("prometheus.log") + ")",
        Duration.ofSeconds(60), () -> TestProcesses.listening(port));
  }

  /** Started under {@code dir}, scraping nothing yet. */
  static TestPrometheus start(Path dir) throws IOException, InterruptedException {
    return new TestPrometheus(dir);
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Sets {@code name} (a series as the exposition format writes it, labels and all) to {@code value} and waits until
   * a query of it answers that value: the change has been scraped.
   */
  void set(String name, double value) throws InterruptedException {
    series.put(name, value);
    PrometheusClient client = new PrometheusClient(URI.create(url()));
    TestProcesses.waitFor("prometheus to scrape " + name + " = " + value, Duration.ofSeconds(30), () -> {
      try {
        return Objects.equals(client.query(name).value(), value);
      } catch (PrometheusUnavailableException e) {
        return false;
      }
    });
  }

  /** Sets every one of {@code names} to {@code value} and waits until Prometheus has them all. */
  void setAll(List<String> names, String query, double value) throws InterruptedException {
    names.forEach(name -> series.put(name, value));
    PrometheusClient client = new PrometheusClient(URI.create(url()));
    TestProcesses.waitFor("prometheus to scrape " + names, Duration.ofSeconds(30), () -> {
      try {
        InstantValue answer = client.query("count(" + query + ")");
        return Objects.equals(answer.value(), (double) names.size());
      } catch (PrometheusUnavailableException e) {
        return false;
      }
    });
  }

  /** Stops Prometheus (kill -9 as a crash would), leaving the metrics endpoint up. */
  void stopPrometheus() throws InterruptedException {
    prometheus.destroyForcibly();
    prometheus.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stopPrometheus();
    metrics.stop(0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
