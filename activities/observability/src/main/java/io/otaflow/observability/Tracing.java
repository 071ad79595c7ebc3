package io.otaflow.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.opentracingshim.OpenTracingShim;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentracing.Tracer;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.opentracing.OpenTracingClientInterceptor;
import io.temporal.opentracing.OpenTracingOptions;
import io.temporal.opentracing.OpenTracingWorkerInterceptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's traces: Temporal's OpenTracing interceptors over OpenTelemetry's shim, spans batched and sent by
 * OTLP/HTTP (protobuf, the JDK's HTTP client) to {@code <endpoint>/v1/traces}. The client interceptor makes starting
 * a workflow the root of its trace; the worker interceptor continues it in workflows and activities, in this process
 * or another (the context travels in Temporal's headers, W3C trace context). Off without an endpoint: no SDK, no
 * exporter, no interceptor. {@link #close} sends what is left.
 */
public final class Tracing implements AutoCloseable {

  /** OpenTelemetry's standard variable, the endpoint when none is configured. */
  public static final String ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT";
  public static final String CONTROL_PLANE_SERVICE = "otaflow-control-plane";
  public static final String AGENT_SERVICE = "otaflow-agent";
  /** Resource attribute of an agent's spans: a robot's spans are told apart by resource, never by metric label. */
  public static final String ROBOT_ID_ATTRIBUTE = "otaflow.robot.id";

  private static final Logger log = LoggerFactory.getLogger(Tracing.class);
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Tracing(SdkTracerProvider provider, Tracer tracer) {
    this.provider = provider;
    this.tracer = tracer;
  }

  /** No traces. */
  public static Tracing off() {
    return new Tracing(null, null);
  }

  /**
   * The endpoint configured, else {@value #ENDPOINT_VARIABLE} from {@code environment}; null (tracing off) when
   * neither is set.
   */
  public static String endpoint(String configured, Map<String, String> environment) {
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String variable = environment.get(ENDPOINT_VARIABLE);
    return variable == null || variable.isBlank() ? null : variable;
  }

  /**
   * Traces of {@code service} sent to the OTLP/HTTP collector at {@code endpoint} (its base URL, such as
   * {@code http://127.0.0.1:4318}), or {@link #off} when it is null.
   *
   * @param field what configured the endpoint, named when it is not a URL
   * @param resourceAttributes more attributes of every span's resource (the robot's ID, say)
   * @throws IllegalArgumentException naming {@code field} when the endpoint is not an http(s) URL
   */
  public static Tracing start(String endpoint, String field, String service, Map<String, String> resourceAttributes) {
    if (endpoint == null) {
      return off();
    }
    AttributesBuilder attributes = Attributes.builder().put(SERVICE_NAME, service);
    resourceAttributes.forEach(attributes::put);
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(attributes.build())))
        .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
            .setEndpoint(tracesUrl(endpoint, field))
            .build()).build())
        .build();
    OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
        .setTracerProvider(provider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    log.info("traces of {} go to {}", service, endpoint);
    return new Tracing(provider, OpenTracingShim.createTracerShim(openTelemetry));
  }

  /**
   * Where spans of {@code endpoint} go: {@code <endpoint>/v1/traces}.
   *
   * @throws IllegalArgumentException naming {@code field} when the endpoint is not an http(s) URL
   */
  public static String tracesUrl(String endpoint, String field) {
    try {
      URI uri = new URI(endpoint.strip());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getQuery() == null) {
        return uri.toString().replaceAll("/+$", "") + "/v1/traces";
      }
    } catch (URISyntaxException notAUri) {
      // said below, in the words of the setting
    }
    throw new IllegalArgumentException(field + ": '" + endpoint + "' is not an http:// or https:// URL of an OTLP "
        + "collector (such as http://127.0.0.1:4318)");
  }

  public boolean isOn() {
    return tracer != null;
  }

  /** The tracer Temporal's interceptors use; null when off. */
  public Tracer tracer() {
    return tracer;
  }

  /** For the worker factory; none when off. */
  public List<WorkerInterceptor> workerInterceptors() {
    return isOn() ? List.of(new OpenTracingWorkerInterceptor(options())) : List.of();
  }

  /** For the workflow client, so that starting a workflow opens its trace; none when off. */
  public List<WorkflowClientInterceptor> clientInterceptors() {
    return isOn() ? List.of(new OpenTracingClientInterceptor(options())) : List.of();
  }

  private OpenTracingOptions options() {
    return OpenTracingOptions.newBuilder().setTracer(tracer).build();
  }

  /** Sends the spans not sent yet and stops the exporter (waits up to 10 s). */
  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
