package io.otaflow.testtools;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) on a free loopback port, storing under the
 * test's directory, plain HTTP, no authentication. Without the binary the test is skipped, or fails when
 * OTAFLOW_REQUIRE_TOOLS=1.
 */
public final class LocalImageRegistry implements AutoCloseable {

  private final Process process;
  private final int port;

  private LocalImageRegistry(Path dir) throws IOException, InterruptedException {
    Path binary = ToolsOnPath.require("docker-registry", "docker-registry");
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path config = dir.resolve("registry.yml");
    Files.writeString(config, String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + dir.resolve("storage"),
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port,
        ""));
    process = new ProcessBuilder(binary.toString(), "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    // Not left serving when the test JVM ends before close() (a class whose set-up failed).
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    awaitReady(dir);
  }

  public static LocalImageRegistry start(Path dir) throws IOException, InterruptedException {
    return new LocalImageRegistry(dir);
  }

  /** {@code 127.0.0.1:port}: the registry part of an image reference. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  private void awaitReady(Path dir) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        fail("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
      }
      try {
        HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    fail("docker-registry did not answer on " + host() + " within 30 s");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
