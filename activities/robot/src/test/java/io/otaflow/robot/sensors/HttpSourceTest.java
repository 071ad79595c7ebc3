package io.otaflow.robot.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The robot's own health node, played by the JDK's HTTP server. */
class HttpSourceTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

  HttpServer http;

  @BeforeEach
  void startHealthNode() throws Exception {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    answer("/sensors", 200, "{\"docked\": true, \"serviceUp\": true, \"latencyMs\": 12, \"node\": \"health\"}");
    answer("/stale", 200, "{\"docked\": true, \"timestamp\": \"2026-03-10T11:00:00Z\"}");
    answer("/starting", 503, "{\"docked\": true}");
    answer("/html", 200, "<html>ok</html>");
    http.start();
  }

  private void answer(String path, int status, String body) {
    http.createContext(path, exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
  }

  @AfterEach
  void stopHealthNode() {
    http.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  private static Map<Quantity, Reading> read(String url) {
    return new HttpSource(url, Duration.ofSeconds(5), Duration.ofSeconds(30), Clock.fixed(NOW, ZoneOffset.UTC))
        .read();
  }

  @Test
  void readsTheJsonObjectTheEndpointAnswers() {
    assertThat(read(url("/sensors"))).isEqualTo(Map.of(
        Quantity.DOCKED, Reading.of(true),
        Quantity.SERVICE_UP, Reading.of(true),
        Quantity.LATENCY_MS, Reading.of(12)));
  }

  @Test
  void anAnswerOtherThan200IsUnknownWhateverItsBody() {
    assertThat(read(url("/starting")).get(Quantity.DOCKED))
        .isEqualTo(Reading.unknown("http " + url("/starting") + ": answered 503, expected 200"));
  }

  @Test
  void aBodyThatIsNotJsonIsUnknown() {
    assertThat(read(url("/html")).get(Quantity.DOCKED).whyUnknown())
        .startsWith("http " + url("/html") + ": not JSON (");
  }

  @Test
  void aStaleTimestampIsUnknown() {
    assertThat(read(url("/stale")).get(Quantity.DOCKED))
        .isEqualTo(Reading.unknown("http " + url("/stale") + ": reading is 3600s old (limit 30s)"));
  }

  @Test
  void noAnswerIsUnknown() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closed + "/sensors";

    assertThat(read(url).get(Quantity.DOCKED).whyUnknown()).startsWith("http " + url + ": no answer (");
  }
}
