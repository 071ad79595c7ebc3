package io.otaflow.cli.chaos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The control plane's REST API for the suite. The control plane may be frozen or restarting when the suite asks: a
 * request that gets no answer is sent again until it does, for up to two minutes. A POST sent again may find its first
 * attempt done (409): the caller decides.
 */
final class ChaosApi {

  private static final ObjectMapper JSON = WireJson.mapper();
  private static final Duration PATIENCE = Duration.ofMinutes(2);

  record Answer(int status, JsonNode body) {
  }

  private final URI server;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ChaosApi(URI server, String token) {
    this.server = server;
    this.token = token;
  }

  Answer get(String path) throws InterruptedException {
    return send(request(path).GET().build());
  }

  /** The body of a GET that must succeed. */
  JsonNode json(String path) throws InterruptedException {
    Answer answer = get(path);
    if (answer.status() != 200) {
      throw new AssertionError("GET " + path + ": HTTP " + answer.status() + " " + answer.body());
    }
    return answer.body();
  }

  Answer post(String path, Object body) throws InterruptedException {
    try {
      return send(request(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static JsonNode tree(Object value) {
    return JSON.valueToTree(value);
  }

  private static JsonNode parse(String body) {
    try {
      return body.isBlank() ? null : JSON.readTree(body);
    } catch (JsonProcessingException notJson) {
      return JSON.getNodeFactory().textNode(body);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token);
  }

  private Answer send(HttpRequest request) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), parse(response.body()));
      } catch (IOException noAnswer) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(request.method() + " " + request.uri() + ": no answer for "
              + PATIENCE.toSeconds() + " s: " + noAnswer, noAnswer);
        }
        Thread.sleep(500);
      }
    }
  }
}
