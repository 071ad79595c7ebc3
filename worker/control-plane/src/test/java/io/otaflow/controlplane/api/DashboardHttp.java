package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser's HTTP to the dashboard: its own cookies, every redirect left for the test to see. */
final class DashboardHttp {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final ControlPlaneUnderTest api;
  private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
      .followRedirects(HttpClient.Redirect.NEVER).build();

  DashboardHttp(ControlPlaneUnderTest api) {
    this.api = api;
  }

  HttpResponse<String> get(String path) throws Exception {
    return getUrl(api.baseUrl() + path);
  }

  HttpResponse<String> getUrl(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> follow(HttpResponse<String> redirect) throws Exception {
    return getUrl(redirect.headers().firstValue("Location").orElseThrow());
  }

  /** The sign-in form, filled in and posted with the CSRF token the page carries. */
  HttpResponse<String> signIn(String token) throws Exception {
    Matcher csrf = CSRF.matcher(get("/ui/signin").body());
    assertThat(csrf.find()).as("the sign-in form's CSRF token").isTrue();
    return post("/ui/signin", Map.of("token", token, "_csrf", csrf.group(1)));
  }

  HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
    String body = String.join("&", form.entrySet().stream().map(field -> field.getKey() + "="
        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)).toList());
    return http.send(HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An event stream, as EventSource opens it ({@code lastEventId}: as it reconnects; null: as it first connects). */
  BufferedReader events(String path, String lastEventId) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
        .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
  }
}
