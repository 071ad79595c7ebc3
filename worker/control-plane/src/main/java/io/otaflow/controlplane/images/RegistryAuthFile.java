package io.otaflow.controlplane.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.controlplane.images.ImageRegistryClient.RegistryCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Registry credentials in the file {@code docker login} and {@code podman login} write ({@code ~/.docker/config.json},
 * {@code ${XDG_RUNTIME_DIR}/containers/auth.json}): {@code {"auths": {"host:port": {"auth": base64(user:password)}}}},
 * or {@code username} and {@code password} in place of {@code auth}. Credential helpers are not run.
 */
public final class RegistryAuthFile {

  private RegistryAuthFile() {
  }

  /**
   * @throws IllegalArgumentException naming the file and the entry at fault
   */
  public static Map<String, RegistryCredentials> read(Path file) {
    JsonNode auths;
    try {
      auths = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8)).path("auths");
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("registry auth file " + file + " not found");
    } catch (IOException e) {
      throw new IllegalArgumentException("registry auth file " + file + " is not JSON: " + e.getMessage());
    }
    Map<String, RegistryCredentials> credentials = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> entries = auths.fields(); entries.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String registry = entry.getKey().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
      credentials.put(registry, credentials(file, registry, entry.getValue()));
    }
    return credentials;
  }

  private static RegistryCredentials credentials(Path file, String registry, JsonNode entry) {
    if (entry.hasNonNull("auth")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("registry auth file " + file + ": auths." + registry
            + ".auth is not base64 of user:password");
      }
      return new RegistryCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
    if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
      return new RegistryCredentials(entry.get("username").asText(), entry.get("password").asText());
    }
    throw new IllegalArgumentException("registry auth file " + file + ": auths." + registry
        + " has neither auth nor username and password");
  }
}
