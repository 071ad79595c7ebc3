package io.otaflow.robot.sensors;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * An HTTP endpoint (the robot's own health node, say) answering GET with 200 and a JSON object of readings. Its
 * readings are as old as its {@code timestamp} field says, else new.
 */
public final class HttpSource implements SensorSource {

  private final String url;
  private final Duration timeout;
  private final Duration maxAge;
  private final Clock clock;
  private final HttpClient client;

  /** @param maxAge older readings are unknown; null: no limit */
  public HttpSource(String url, Duration timeout, Duration maxAge, Clock clock) {
    this.url = url;
    this.timeout = timeout;
    this.maxAge = maxAge;
    this.clock = clock;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public String name() {
    return "http " + url;
  }

  @Override
  public Map<Quantity, Reading> read() {
    HttpResponse<String> response;
    try {
      response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return JsonReadings.failed(name() + ": interrupted");
    } catch (IOException | RuntimeException e) {
      return JsonReadings.failed(name() + ": no answer (" + e + ")");
    }
    if (response.statusCode() != 200) {
      return JsonReadings.failed(name() + ": answered " + response.statusCode() + ", expected 200");
    }
    Instant now = clock.instant();
    return JsonReadings.parse(name(), response.body(), now, maxAge, now);
  }
}
