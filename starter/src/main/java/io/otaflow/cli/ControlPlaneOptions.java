package io.otaflow.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --server} and {@code --token-file}, shared by every command that talks to a running control plane. The server
 * is {@code --server}, else {@code $OTAFLOW_SERVER}, else the configuration file's, else the local one; the token is
 * read from {@code --token-file}, else taken from {@code $OTAFLOW_TOKEN}, else read from the configuration file's
 * {@code token-file}: never from a flag, which anyone on the machine could read in {@code ps}.
 */
final class ControlPlaneOptions {

  static final String LOCAL_SERVER = "http://127.0.0.1:8080";

  @Option(names = "--server", paramLabel = "URL",
      description = "The control plane's REST API (default: $OTAFLOW_SERVER, else server in "
          + "~/.config/otaflow/config.yaml, else " + LOCAL_SERVER + ").")
  URI server;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the API token (default: $OTAFLOW_TOKEN, else token-file in "
          + "~/.config/otaflow/config.yaml).")
  Path tokenFile;

  ControlPlaneClient client() {
    Map<String, String> env = System.getenv();
    return connect(env, CliConfig.load(CliConfig.defaultPath(env)));
  }

  /** The client for these options, given the environment and the user's configuration. */
  ControlPlaneClient connect(Map<String, String> env, CliConfig config) {
    URI target = server != null ? server
        : URI.create(firstOf(env.get("OTAFLOW_SERVER"), config.server(), LOCAL_SERVER));
    String token = token(env, config);
    if (token != null && "http".equals(target.getScheme()) && !isLoopback(target.getHost())) {
      System.err.println("otaflow: warning: sending the token in clear over http to " + target.getHost()
          + ": serve the control plane over https");
    }
    return new ControlPlaneClient(target, token);
  }

  private static boolean isLoopback(String host) {
    return host == null || host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }

  /** @return null when no token is given anywhere: the control plane will answer 401 and say so */
  private String token(Map<String, String> env, CliConfig config) {
    if (tokenFile != null) {
      return read(tokenFile, "--token-file");
    }
    String fromEnv = env.get("OTAFLOW_TOKEN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    return config.tokenFile() == null ? null : read(config.tokenFilePath(env), "token-file in the configuration");
  }

  private static String read(Path file, String source) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new IllegalArgumentException(source + ": " + file + " is empty");
      }
      return token;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(source + ": " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": cannot read " + file + ": " + e.getMessage());
    }
  }

  private static String firstOf(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    throw new IllegalStateException("no value");
  }
}
