package io.otaflow.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP collector for tests: takes {@code POST /v1/traces} as protobuf (what OpenTelemetry's exporter sends),
 * the way a real collector does, and keeps every span with its resource. Processes in other JVMs export here.
 */
final class OtlpReceiver implements AutoCloseable {

  /** A span as received: its resource's service name and attributes, its trace, name and attributes. */
  record ReceivedSpan(Map<String, String> resource, String traceId, String name, Map<String, String> attributes) {

    String service() {
      return resource.get("service.name");
    }
  }

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<String> refused = new ArrayList<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  static OtlpReceiver start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    OtlpReceiver receiver = new OtlpReceiver(server);
    server.createContext("/v1/traces", receiver::export);
    server.start();
    return receiver;
  }

  /** What {@code --otlp-endpoint} takes: the base URL, the exporter adds {@code /v1/traces}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** Requests that were not OTLP protobuf: a test expects none. */
  synchronized List<String> refused() {
    return List.copyOf(refused);
  }

  private void export(HttpExchange exchange) throws IOException {
    try (exchange) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!"POST".equals(exchange.getRequestMethod()) || !"application/x-protobuf".equals(type)) {
        synchronized (this) {
          refused.add(exchange.getRequestMethod() + " " + type);
        }
        exchange.sendResponseHeaders(415, -1);
        return;
      }
      InputStream body = exchange.getRequestBody();
      if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        body = new GZIPInputStream(body);
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
      synchronized (this) {
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
          Map<String, String> resource = strings(resourceSpans.getResource().getAttributesList());
          for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
            scope.getSpansList().forEach(span -> spans.add(new ReceivedSpan(resource,
                HexFormat.of().formatHex(span.getTraceId().toByteArray()), span.getName(),
                strings(span.getAttributesList()))));
          }
        }
      }
      byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
    }
  }

  private static Map<String, String> strings(List<KeyValue> attributes) {
    return attributes.stream().filter(attribute -> attribute.getValue().hasStringValue())
        .collect(Collectors.toMap(KeyValue::getKey, attribute -> attribute.getValue().getStringValue(),
            (first, second) -> first));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
