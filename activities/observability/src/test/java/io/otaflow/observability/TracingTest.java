package io.otaflow.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracingTest {

  private HttpServer collector;

  @AfterEach
  void stopCollector() {
    if (collector != null) {
      collector.stop(0);
    }
  }

  @Test
  void withoutAnEndpointThereIsNoTracerAndNoInterceptor() {
    try (Tracing tracing = Tracing.start(Tracing.endpoint(null, Map.of()), "tracing.otlpEndpoint",
        Tracing.AGENT_SERVICE, Map.of())) {
      assertThat(tracing.isOn()).isFalse();
      assertThat(tracing.tracer()).isNull();
      assertThat(tracing.workerInterceptors()).isEmpty();
      assertThat(tracing.clientInterceptors()).isEmpty();
    }
  }

  @Test
  void theConfiguredEndpointWinsOverTheStandardVariable() {
    Map<String, String> environment = Map.of(Tracing.ENDPOINT_VARIABLE, "http://collector:4318");
    assertThat(Tracing.endpoint("http://other:4318", environment)).isEqualTo("http://other:4318");
    assertThat(Tracing.endpoint(null, environment)).isEqualTo("http://collector:4318");
    assertThat(Tracing.endpoint(" ", Map.of(Tracing.ENDPOINT_VARIABLE, ""))).isNull();
  }

  @Test
  void anEndpointThatIsNoUrlIsRefusedNamingItsSetting() {
    assertThatThrownBy(() -> Tracing.start("127.0.0.1:4318", "--otlp-endpoint", Tracing.AGENT_SERVICE, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--otlp-endpoint: '127.0.0.1:4318' is not an http:// or https:// URL of an OTLP collector "
            + "(such as http://127.0.0.1:4318)");
    assertThat(Tracing.tracesUrl("http://collector:4318/", "x")).isEqualTo("http://collector:4318/v1/traces");
  }

  @Test
  void spansGoToTheCollectorWithTheServiceAndRobotWhenTracingCloses() throws IOException {
    List<ExportTraceServiceRequest> received = new ArrayList<>();
    collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      try (exchange) {
        synchronized (received) {
          received.add(ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes()));
        }
        exchange.sendResponseHeaders(200, -1);
      }
    });
    collector.start();

    Tracing tracing = Tracing.start("http://127.0.0.1:" + collector.getAddress().getPort(), "x",
        Tracing.AGENT_SERVICE, Map.of(Tracing.ROBOT_ID_ATTRIBUTE, "r7"));
    assertThat(tracing.workerInterceptors()).hasSize(1);
    assertThat(tracing.clientInterceptors()).hasSize(1);
    tracing.tracer().buildSpan("RunActivity:Download").start().finish();
    tracing.close();

    List<ResourceSpans> spans;
    synchronized (received) {
      spans = received.stream().flatMap(request -> request.getResourceSpansList().stream()).toList();
    }
    assertThat(spans).singleElement().satisfies(resourceSpans -> {
      assertThat(resourceSpans.getResource().getAttributesList()).extracting(KeyValue::getKey,
          attribute -> attribute.getValue().getStringValue())
          .contains(org.assertj.core.groups.Tuple.tuple("service.name", Tracing.AGENT_SERVICE),
              org.assertj.core.groups.Tuple.tuple(Tracing.ROBOT_ID_ATTRIBUTE, "r7"));
      assertThat(resourceSpans.getScopeSpans(0).getSpans(0).getName()).isEqualTo("RunActivity:Download");
    });
  }
}
