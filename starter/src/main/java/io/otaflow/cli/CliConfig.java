package io.otaflow.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.otaflow.wire.JsonFieldErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ~/.config/otaflow/config.yaml} (under {@code $XDG_CONFIG_HOME} when set): the control plane the CLI talks to
 * and the file holding its token, so that neither needs repeating, and the token never appears in a command line.
 *
 * <pre>
 * server: https://otaflow.example.com
 * token-file: ~/.config/otaflow/token
 * </pre>
 *
 * @param server    null when not set
 * @param tokenFile null when not set; {@code ~/} is the home directory
 */
record CliConfig(String server, @JsonProperty("token-file") String tokenFile) {

  static final CliConfig NONE = new CliConfig(null, null);

  /** Where the user's configuration lives, whether or not it exists: under $XDG_CONFIG_HOME, else ~/.config. */
  static Path defaultPath(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home(env).resolve(".config");
    return base.resolve("otaflow").resolve("config.yaml");
  }

  /** $HOME as the shell has it (the JVM's user.home comes from the password database, and ignores it). */
  private static Path home(Map<String, String> env) {
    String home = env.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }

  /** @throws IllegalArgumentException in one line naming the file and what is wrong with it */
  static CliConfig load(Path file) {
    if (!Files.exists(file)) {
      return NONE;
    }
    try {
      CliConfig config = YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
          .readValue(file.toFile(), CliConfig.class);
      return config == null ? NONE : config;
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(file + ": " + JsonFieldErrors.describe(e));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
    }
  }

  /** The token file, {@code ~/} read as $HOME. */
  Path tokenFilePath(Map<String, String> env) {
    return tokenFile.startsWith("~/") ? home(env).resolve(tokenFile.substring(2)) : Path.of(tokenFile);
  }
}
