package io.otaflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.controlplane.api.RolloutProgressView;
import io.otaflow.controlplane.api.RolloutRobotsPage;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The control plane's REST API as the CLI uses it. Every failure becomes a {@link ControlPlaneException} whose message
 * is what the user should read: the server's own error, or why the server could not be reached.
 */
final class ControlPlaneClient {

  static final ObjectMapper JSON = WireJson.mapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI server;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param token the bearer token, or null to send none */
  ControlPlaneClient(URI server, String token) {
    this.server = server;
    this.token = token;
  }

  /** A failed call, with the message to show and the exit code it means. */
  static final class ControlPlaneException extends RuntimeException {
    private final int exitCode;

    ControlPlaneException(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  /** A successful answer: its status (201 created, 200 otherwise) and body. */
  record Answer(int status, JsonNode body) {
  }

  Answer get(String path) {
    return send(request(path).GET().build());
  }

  Answer post(String path, Object body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode request: " + e.getOriginalMessage(), e);
    }
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  RolloutProgress progress(String rolloutId) {
    return status(rolloutId).progress();
  }

  /** The rollout's progress and the most common reasons its robots are not COMMITTED. */
  RolloutProgressView status(String rolloutId) {
    return read(get("/api/v1/rollouts/" + encode(rolloutId)).body(), RolloutProgressView.class);
  }

  /** One page of the rollout's robots in any of {@code states} (all when empty) after robot {@code after} (or null). */
  RolloutRobotsPage robots(String rolloutId, List<String> states, String after, int limit) {
    StringBuilder path = new StringBuilder("/api/v1/rollouts/").append(encode(rolloutId)).append("/robots?limit=")
        .append(limit);
    states.forEach(state -> path.append("&state=").append(encode(state)));
    if (after != null) {
      path.append("&after=").append(encode(after));
    }
    return read(get(path.toString()).body(), RolloutRobotsPage.class);
  }

  /** For a path segment or a query parameter's value. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static <T> T read(JsonNode body, Class<T> type) {
    try {
      return JSON.treeToValue(body, type);
    } catch (JsonProcessingException e) {
      throw new ControlPlaneException("unexpected answer from the control plane: " + e.getOriginalMessage(),
          ExitCodes.ERROR);
    }
  }

  private HttpRequest.Builder request(String path) {
    // Appended, not resolved: a server URL with a path (a proxy's prefix) keeps it.
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.toString().replaceFirst("/+$", "") + path))
        .timeout(TIMEOUT)
        .header("Accept", "application/json, application/problem+json");
    return token == null ? request : request.header("Authorization", "Bearer " + token);
  }

  private Answer send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw new ControlPlaneException("cannot reach the otaflow control plane at " + server
          + ": is `otaflow server` running?", ExitCodes.ERROR);
    } catch (IOException e) {
      throw new ControlPlaneException("lost the otaflow control plane at " + server + ": " + e.getMessage(),
          ExitCodes.ERROR);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlPlaneException("interrupted while talking to the control plane", ExitCodes.ERROR);
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    JsonNode body = type.startsWith("application/json") || type.startsWith("application/problem+json")
        ? parse(response.body()) : null;
    if (body == null) {
      // Not otaflow's answer: a proxy's or another server's page, which the user should not have to read.
      throw new ControlPlaneException("unexpected answer from " + server + " (HTTP " + response.statusCode()
          + (type.isEmpty() ? "" : ", " + type.replaceFirst(";.*", "")) + ", not otaflow's JSON): is it the otaflow"
          + " control plane?", ExitCodes.ERROR);
    }
    if (response.statusCode() >= 400) {
      String detail = body.hasNonNull("detail") ? body.get("detail").asText()
          : "HTTP " + response.statusCode() + " " + abbreviate(body.toString());
      throw new ControlPlaneException(response.statusCode() == 401 ? detail + hintForToken() : detail,
          ExitCodes.ofHttpStatus(response.statusCode()));
    }
    return new Answer(response.statusCode(), body);
  }

  private String hintForToken() {
    return token == null ? " (no token given: use --token-file FILE, $OTAFLOW_TOKEN or token-file in "
        + "~/.config/otaflow/config.yaml)" : "";
  }

  private static JsonNode parse(String text) {
    try {
      return text.isBlank() ? null : JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String abbreviate(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
