package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the CLI finds its server and token: --server and --token-file, else $OTAFLOW_SERVER and $OTAFLOW_TOKEN, else
 * the configuration file; the token goes out as a bearer header, and a server URL's path prefix is kept.
 */
class ControlPlaneOptionsTest {

  @TempDir
  Path dir;
  private HttpServer server;
  private final AtomicReference<String> path = new AtomicReference<>();
  private final AtomicReference<String> authorization = new AtomicReference<>();

  @BeforeEach
  void server() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      path.set(exchange.getRequestURI().getPath());
      authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void theFlagsComeFirstThenTheEnvironmentThenTheConfiguration() throws Exception {
    Path flagToken = Files.writeString(dir.resolve("flag.token"), "from-flag\n");
    Path configToken = Files.writeString(dir.resolve("config.token"), "from-config");
    CliConfig config = new CliConfig(url("/config"), configToken.toString());

    Map<String, String> env = Map.of("OTAFLOW_SERVER", url("/env"), "OTAFLOW_TOKEN", "from-env");
    call(options(URI.create(url("/flag")), flagToken), env, config);
    assertThat(path.get()).isEqualTo("/flag/api/v1/rollouts");
    assertThat(authorization.get()).isEqualTo("Bearer from-flag");

    call(options(null, null), env, config);
    assertThat(path.get()).isEqualTo("/env/api/v1/rollouts");
    assertThat(authorization.get()).isEqualTo("Bearer from-env");

    call(options(null, null), Map.of(), config);
    assertThat(path.get()).isEqualTo("/config/api/v1/rollouts");
    assertThat(authorization.get()).isEqualTo("Bearer from-config");

    call(options(URI.create(url("")), null), Map.of(), CliConfig.NONE);
    assertThat(authorization.get()).as("no token anywhere: none sent").isNull();
  }

  @Test
  void anEmptyOrMissingTokenFileIsBadInputNamingIt() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.token"), "\n");

    assertThatThrownBy(() -> options(URI.create(url("")), empty).connect(Map.of(), CliConfig.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--token-file: " + empty + " is empty");
    CliConfig missing = new CliConfig(null, dir.resolve("nope").toString());
    assertThatThrownBy(() -> options(null, null).connect(Map.of(), missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("token-file in the configuration: " + dir.resolve("nope") + " does not exist");
  }

  @Test
  void theConfigurationFileIsReadAndAMisspeltKeyNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("config.yaml"), "server: https://otaflow.example.com\n"
        + "token-file: ~/.config/otaflow/token\n");

    CliConfig config = CliConfig.load(file);
    assertThat(config.server()).isEqualTo("https://otaflow.example.com");
    assertThat(config.tokenFilePath(Map.of("HOME", "/home/ana"))).isEqualTo(Path.of("/home/ana/.config/otaflow/token"));
    assertThat(CliConfig.load(dir.resolve("absent.yaml"))).isEqualTo(CliConfig.NONE);
    Files.writeString(file, "sever: x\n");
    assertThatThrownBy(() -> CliConfig.load(file)).hasMessage(file + ": sever: unknown field");
    assertThat(CliConfig.defaultPath(Map.of("XDG_CONFIG_HOME", "/etc/xdg", "HOME", "/home/ana")))
        .isEqualTo(Path.of("/etc/xdg/otaflow/config.yaml"));
    assertThat(CliConfig.defaultPath(Map.of("HOME", "/home/ana")))
        .isEqualTo(Path.of("/home/ana/.config/otaflow/config.yaml"));
  }

  private String url(String prefix) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
  }

  private static ControlPlaneOptions options(URI server, Path tokenFile) {
    ControlPlaneOptions options = new ControlPlaneOptions();
    options.server = server;
    options.tokenFile = tokenFile;
    return options;
  }

  private static void call(ControlPlaneOptions options, Map<String, String> env, CliConfig config) {
    options.connect(env, config).get("/api/v1/rollouts");
  }
}
