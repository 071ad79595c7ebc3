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

  /** Where the user's configuration lives, whether or not it exists. */
  static Path defaultPath(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("otaflow").resolve("config.yaml");
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

  Path tokenFilePath() {
    return tokenFile.startsWith("~/") ? Path.of(System.getProperty("user.home"), tokenFile.substring(2))
        : Path.of(tokenFile);
  }
}
