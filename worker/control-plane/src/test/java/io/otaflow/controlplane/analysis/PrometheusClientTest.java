package io.otaflow.controlplane.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.analysis.Measurement;
import io.otaflow.plan.AnalysisCheck;
import io.otaflow.plan.InconclusiveAction;
import io.otaflow.plan.SuccessCondition;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Prometheus's answers reduced to one number or why there is none; an unreachable or failing Prometheus retried. */
class PrometheusClientTest {

  private static final AnalysisCheck ERROR_RATE = new AnalysisCheck("error-rate", "sum(rate(errors_total[5m]))",
      new SuccessCondition("<", 0.05), Duration.ofMinutes(1), 3, 0, InconclusiveAction.PAUSE);

  private final PrometheusClient client = new PrometheusClient(URI.create("http://127.0.0.1:9090"));
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static String vector(String... values) {
    StringBuilder series = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      series.append(i > 0 ? "," : "").append("{\"metric\":{\"robot\":\"r").append(i).append("\"},\"value\":[1.7e9,\"")
          .append(values[i]).append("\"]}");
    }
    return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + series + "]}}";
  }

  @Test
  void oneSampleIsItsValue() {
    assertThat(client.parse(200, vector("0.012"))).isEqualTo(InstantValue.of(0.012));
    assertThat(client.parse(200, vector("+Inf"))).isEqualTo(InstantValue.of(Double.POSITIVE_INFINITY));
    assertThat(client.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1.7e9,"
        + "\"3\"]}}")).isEqualTo(InstantValue.of(3));
  }

  @Test
  void whatIsNotOneNumberSaysWhy() {
    assertThat(client.parse(200, vector())).isEqualTo(InstantValue.none("empty result"));
    assertThat(client.parse(200, vector("1", "2", "3"))).isEqualTo(InstantValue.none("3 series, not one"));
    assertThat(client.parse(200, vector("NaN"))).isEqualTo(InstantValue.none("NaN"));
    assertThat(client.parse(200, vector("many"))).isEqualTo(InstantValue.none("non-numeric value 'many'"));
    assertThat(client.parse(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"))
        .isEqualTo(InstantValue.none("a matrix result, not an instant vector or scalar"));
    assertThat(client.parse(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:5: parse error\"}"))
        .isEqualTo(InstantValue.none("prometheus refused the query (HTTP 400): bad_data: 1:5: parse error"));
    assertThat(client.parse(200, "<html>proxy login</html>"))
        .isEqualTo(InstantValue.none("prometheus answered HTTP 200 with something other than JSON"));
  }

  @Test
  void onlyHttpUrlsAreAccepted() {
    assertThatThrownBy(() -> PrometheusClient.url("--prometheus-url", "prometheus:9090"))
        .hasMessage("--prometheus-url: 'prometheus:9090' is not an http(s) URL like http://127.0.0.1:9090");
    assertThatThrownBy(() -> PrometheusClient.url("--prometheus-url", "http://a b"))
        .hasMessage("--prometheus-url: 'http://a b' is not an http(s) URL like http://127.0.0.1:9090");
    assertThat(PrometheusClient.url("--prometheus-url", " https://metrics.example/prom "))
        .isEqualTo(URI.create("https://metrics.example/prom"));
  }

  @Test
  void anUnreachablePrometheusIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    PrometheusClient unreachable = new PrometheusClient(URI.create("http://127.0.0.1:" + closedPort));

    assertThatThrownBy(() -> unreachable.query("up")).isInstanceOf(PrometheusUnavailableException.class)
        .hasMessageStartingWith("prometheus unreachable at http://127.0.0.1:" + closedPort + ": ");
  }

  /** A Prometheus that answers {@code answers} in turn (status and body), recording the queries it was sent. */
  private URI serve(List<String> queries, Object[]... answers) throws Exception {
    Deque<Object[]> left = new ArrayDeque<>(List.of(answers));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/prefix/api/v1/query", exchange -> {
      queries.add(exchange.getRequestURI().getQuery());
      Object[] answer = left.size() > 1 ? left.poll() : left.peek();
      byte[] body = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders((Integer) answer[0], body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prefix/");
  }

  @Test
  void theActivityAsksAgainWhilePrometheusFailsAndJudgesTheAnswer() throws Exception {
    List<String> queries = new CopyOnWriteArrayList<>();
    URI url = serve(queries, new Object[] {503, "{\"status\":\"error\",\"error\":\"starting\"}"},
        new Object[] {200, vector("0.2")});
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PrometheusAnalysisActivities activities = new PrometheusAnalysisActivities(new PrometheusClient(url),
        Duration.ZERO, meters);

    Measurement measurement = activities.measure("ro-1", "canary", ERROR_RATE);

    assertThat(measurement).isEqualTo(new Measurement(Measurement.Outcome.FAIL, 0.2, null));
    assertThat(queries).hasSize(2).allSatisfy(query ->
        assertThat(query).isEqualTo("query=sum(rate(errors_total[5m]))"));
    assertThat(meters.get("otaflow.analysis.measurements").tag("result", "fail").counter().count()).isEqualTo(1);
  }

  @Test
  void theActivityGivesUpAfterAFewTriesAndIsInconclusive() throws Exception {
    List<String> queries = new CopyOnWriteArrayList<>();
    URI url = serve(queries, new Object[] {503, "unavailable"});
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PrometheusAnalysisActivities activities = new PrometheusAnalysisActivities(new PrometheusClient(url),
        Duration.ZERO, meters);

    Measurement measurement = activities.measure("ro-1", "canary", ERROR_RATE);

    assertThat(measurement.outcome()).isEqualTo(Measurement.Outcome.INCONCLUSIVE);
    assertThat(measurement.reason()).isEqualTo("prometheus at " + url.toString().replaceFirst("/$", "")
        + " answered HTTP 503 (3 tries)");
    assertThat(queries).hasSize(PrometheusAnalysisActivities.TRIES);
    assertThat(meters.get("otaflow.analysis.measurements").tag("result", "inconclusive").counter().count())
        .isEqualTo(1);
  }

  @Test
  void withoutAPrometheusEveryMeasurementIsInconclusive() {
    Measurement measurement = new PrometheusAnalysisActivities(null, Duration.ZERO, new SimpleMeterRegistry())
        .measure("ro-1", "canary", ERROR_RATE);

    assertThat(measurement).isEqualTo(Measurement.inconclusive(
        "the control plane has no Prometheus to query (otaflow.analysis.prometheus-url)"));
  }
}
