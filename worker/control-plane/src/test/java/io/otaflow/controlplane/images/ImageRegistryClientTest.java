package io.otaflow.controlplane.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.otaflow.controlplane.images.ImageRegistryClient.RegistryCredentials;
import io.otaflow.controlplane.images.ImageRegistryClient.ResolvedImage;
import io.otaflow.release.ImageReference;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import io.otaflow.testtools.LocalImageRegistry;
import io.otaflow.testtools.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRegistryClientTest {

  @TempDir
  Path temp;

  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable each : started) {
      each.close();
    }
  }

  @Test
  void resolvesATagToTheDigestAndSizeTheRegistryHolds() throws Exception {
    LocalImageRegistry registry = registry();
    TestImages.Pushed pushed = TestImages.push(registry.host(), "robots/perception", "2.0.0", "perception 2.0.0");

    ResolvedImage resolved = client(registry).resolve(
        ImageReference.parse(registry.host() + "/robots/perception:2.0.0"));

    assertThat(resolved.pinned()).hasToString(registry.host() + "/robots/perception@" + pushed.digest());
    assertThat(resolved.sizeBytes()).isEqualTo(pushed.sizeBytes());
  }

  @Test
  void aReferenceByDigestResolvesToItself() throws Exception {
    LocalImageRegistry registry = registry();
    TestImages.Pushed pushed = TestImages.push(registry.host(), "perception", "2.0.0", "perception 2.0.0");
    ImageReference pinned = ImageReference.parse(registry.host() + "/perception@" + pushed.digest());

    assertThat(client(registry).resolve(pinned).pinned()).isEqualTo(pinned);
  }

  @Test
  void aMultiPlatformIndexIsSizedByItsLargestPlatform() throws Exception {
    LocalImageRegistry registry = registry();
    TestImages.Pushed small = TestImages.push(registry.host(), "perception", "amd64", "small");
    TestImages.Pushed large = TestImages.push(registry.host(), "perception", "arm64", "large ".repeat(5_000));
    String index = TestImages.pushIndex(registry.host(), "perception", "2.0.0", List.of(small, large));

    ResolvedImage resolved = client(registry).resolve(ImageReference.parse(registry.host() + "/perception:2.0.0"));

    assertThat(resolved.pinned().digest()).isEqualTo(index);
    assertThat(resolved.sizeBytes()).isEqualTo(Math.max(small.sizeBytes(), large.sizeBytes()));
  }

  @Test
  void anUnknownTagIsTheCallersMistake() throws Exception {
    LocalImageRegistry registry = registry();
    TestImages.push(registry.host(), "perception", "2.0.0", "perception 2.0.0");
    ImageReference missing = ImageReference.parse(registry.host() + "/perception:9.9.9");

    assertThatThrownBy(() -> client(registry).resolve(missing))
        .isInstanceOfSatisfying(ImageRegistryException.class, e -> assertThat(e.unknownImage()).isTrue())
        .hasMessage("image " + missing + ": " + registry.host() + " has no manifest 9.9.9 (404)");
  }

  @Test
  void anUnreachableRegistryIsOneLine() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    ImageReference reference = ImageReference.parse("127.0.0.1:" + closed + "/perception:2.0.0");
    ImageRegistryClient client = new ImageRegistryClient(Map.of(), Set.of("127.0.0.1:" + closed),
        Duration.ofSeconds(5));

    assertThatThrownBy(() -> client.resolve(reference))
        .isInstanceOfSatisfying(ImageRegistryException.class, e -> assertThat(e.unknownImage()).isFalse())
        .hasMessageStartingWith("image " + reference + ": cannot reach 127.0.0.1:" + closed + " (ConnectException");
  }

  @Test
  void aManifestThatDoesNotHashToItsDeclaredDigestIsRefused() throws Exception {
    byte[] body = "{\"schemaVersion\":2,\"config\":{\"size\":1},\"layers\":[]}".getBytes(StandardCharsets.UTF_8);
    String lie = "sha256:" + "e".repeat(64);
    HttpServer server = fakeRegistry(exchange -> {
      exchange.getResponseHeaders().add("Docker-Content-Digest", lie);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    String host = "127.0.0.1:" + server.getAddress().getPort();
    ImageReference reference = ImageReference.parse(host + "/perception:2.0.0");

    assertThatThrownBy(() -> new ImageRegistryClient(Map.of(), Set.of(host), Duration.ofSeconds(5))
        .resolve(reference))
        .hasMessage("image " + reference + ": manifest 2.0.0 declared digest " + lie + " but its bytes hash to sha256:"
            + TestImages.sha256(body));
  }

  @Test
  void aManifestAskedForByDigestMustHashToThatDigest() throws Exception {
    byte[] body = "{\"schemaVersion\":2,\"config\":{\"size\":1},\"layers\":[]}".getBytes(StandardCharsets.UTF_8);
    HttpServer server = fakeRegistry(exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    String host = "127.0.0.1:" + server.getAddress().getPort();
    String asked = "sha256:" + "a".repeat(64);
    ImageReference reference = ImageReference.parse(host + "/perception@" + asked);

    assertThatThrownBy(() -> new ImageRegistryClient(Map.of(), Set.of(host), Duration.ofSeconds(5))
        .resolve(reference))
        .hasMessage("image " + reference + ": manifest " + asked + " was served with digest sha256:"
            + TestImages.sha256(body));
  }

  @Test
  void answersABearerChallengeWithATokenFetchedWithTheConfiguredCredentials() throws Exception {
    byte[] body = "{\"schemaVersion\":2,\"config\":{\"size\":7},\"layers\":[{\"size\":35}]}"
        .getBytes(StandardCharsets.UTF_8);
    String basic = "Basic " + Base64.getEncoder().encodeToString("robot:s3cret".getBytes(StandardCharsets.UTF_8));
    List<String> tokenQueries = new ArrayList<>();
    HttpServer server = fakeRegistry(exchange -> {
      String path = exchange.getRequestURI().getPath();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (path.equals("/token")) {
        tokenQueries.add(exchange.getRequestURI().getQuery());
        byte[] token = (basic.equals(authorization) ? "{\"token\":\"t0k\"}" : "{}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(basic.equals(authorization) ? 200 : 401, token.length);
        exchange.getResponseBody().write(token);
      } else if ("Bearer t0k".equals(authorization)) {
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } else {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://"
            + exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort()
            + "/token\",service=\"fake\",scope=\"repository:robots/perception:pull\"");
        exchange.sendResponseHeaders(401, -1);
      }
      exchange.close();
    });
    String host = "127.0.0.1:" + server.getAddress().getPort();
    ImageReference reference = ImageReference.parse(host + "/robots/perception:2.0.0");

    ResolvedImage resolved = new ImageRegistryClient(Map.of(host, new RegistryCredentials("robot", "s3cret")),
        Set.of(host), Duration.ofSeconds(5)).resolve(reference);

    assertThat(resolved.pinned().digestHex()).isEqualTo(TestImages.sha256(body));
    assertThat(resolved.sizeBytes()).isEqualTo(42);
    assertThat(tokenQueries).containsExactly("service=fake&scope=repository:robots/perception:pull");
    assertThatThrownBy(() -> new ImageRegistryClient(Map.of(), Set.of(host), Duration.ofSeconds(5))
        .resolve(reference))
        .hasMessage("image " + reference + ": the token service http://127.0.0.1:" + server.getAddress().getPort()
            + "/token answered 401 (no credentials configured for " + host + ")");
  }

  private LocalImageRegistry registry() throws IOException, InterruptedException {
    LocalImageRegistry registry = LocalImageRegistry.start(temp);
    started.add(registry);
    return registry;
  }

  private static ImageRegistryClient client(LocalImageRegistry registry) {
    return new ImageRegistryClient(Map.of(), Set.of(registry.host()), Duration.ofSeconds(10));
  }

  private HttpServer fakeRegistry(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", handler);
    server.start();
    started.add(() -> server.stop(0));
    return server;
  }
}
