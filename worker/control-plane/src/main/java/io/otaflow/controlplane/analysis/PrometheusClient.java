package io.otaflow.controlplane.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Instant queries against Prometheus's HTTP API ({@code GET /api/v1/query}), reduced to the one number an analysis
 * check compares, or why there is none.
 */
public class PrometheusClient {

  /** How long one request may take: a query that takes longer is not one an analysis should rely on. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final URI baseUrl;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /** @param baseUrl Prometheus's address like {@code http://prometheus:9090} (see {@link #url}), a path prefix kept */
  public PrometheusClient(URI baseUrl) {
    this.baseUrl = baseUrl;
    this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  }

  /** {@code text} as Prometheus's address; anything but an absolute http(s) URL is refused, naming {@code setting}. */
  public static URI url(String setting, String text) {
    URI url;
    try {
      url = new URI(text.strip());
    } catch (URISyntaxException e) {
      url = null;
    }
    String scheme = url == null || url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException(setting + ": '" + text + "' is not an http(s) URL like http://127.0.0.1:9090");
    }
    return url;
  }

  /**
   * The query's one number now.
   *
   * @throws PrometheusUnavailableException when Prometheus cannot be asked (unreachable, timed out, a 5xx answer):
   *                                        worth asking again
   */
  public InstantValue query(String promql) throws PrometheusUnavailableException {
    String base = baseUrl.toString().replaceFirst("/+$", "");
    URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PrometheusUnavailableException("prometheus unreachable at " + base + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusUnavailableException("interrupted while querying prometheus", e);
    }
    if (response.statusCode() >= 500) {
      throw new PrometheusUnavailableException("prometheus at " + base + " answered HTTP " + response.statusCode()
          + errorOf(response.body()), null);
    }
    return parse(response.statusCode(), response.body());
  }

  /** An answer of {@code /api/v1/query} with its HTTP status, reduced to one number or why there is none. */
  InstantValue parse(int httpStatus, String body) {
    JsonNode answer;
    try {
      answer = json.readTree(body);
    } catch (IOException e) {
      return InstantValue.none("prometheus answered HTTP " + httpStatus + " with something other than JSON");
    }
    if (!"success".equals(answer.path("status").asText())) {
      return InstantValue.none("prometheus refused the query (HTTP " + httpStatus + ")" + errorOf(body));
    }
    JsonNode data = answer.path("data");
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    return switch (type) {
      case "scalar" -> number(result.path(1));
      case "vector" -> result.size() == 1 ? number(result.get(0).path("value").path(1))
          : InstantValue.none(result.isEmpty() ? "empty result" : result.size() + " series, not one");
      default -> InstantValue.none("a " + (type.isEmpty() ? "missing" : type) + " result, not an instant vector or"
          + " scalar");
    };
  }

  /** A sample's value as Prometheus writes it: a string, with NaN and +Inf spelt out. */
  private static InstantValue number(JsonNode sample) {
    String text = sample.asText();
    double value;
    try {
      value = switch (text) {
        case "NaN" -> Double.NaN;
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(text);
      };
    } catch (NumberFormatException e) {
      return InstantValue.none("non-numeric value '" + text + "'");
    }
    return Double.isNaN(value) ? InstantValue.none("NaN") : InstantValue.of(value);
  }

  /** Prometheus's own words for a refusal: {@code : bad_data: parse error ...}, or nothing. */
  private String errorOf(String body) {
    try {
      JsonNode answer = json.readTree(body);
      return answer.has("error") ? ": " + answer.path("errorType").asText() + ": " + answer.path("error").asText() : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
