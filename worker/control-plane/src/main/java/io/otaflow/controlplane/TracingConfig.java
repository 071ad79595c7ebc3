package io.otaflow.controlplane;

import io.otaflow.observability.LogContext;
import io.otaflow.observability.Tracing;
import io.temporal.common.interceptors.WorkerInterceptor;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The control plane's log context and traces. The Temporal starter registers every {@link WorkerInterceptor} bean on
 * the worker factory, and, given an OpenTracing {@link io.opentracing.Tracer} bean, Temporal's OpenTracing
 * interceptors on the worker factory and the workflow client: so the tracer is a bean only while tracing is on
 * ({@code otaflow.tracing.otlp-endpoint}), and with tracing off no interceptor traces anything.
 */
@Configuration(proxyBeanMethods = false)
public class TracingConfig {

  private static final String TRACING_ON = "!'${otaflow.tracing.otlp-endpoint:}'.isBlank()";

  /** Closed with the context: the spans not sent yet go then. */
  @Bean(destroyMethod = "close")
  Tracing tracing(@Value("${otaflow.tracing.otlp-endpoint:}") String otlpEndpoint) {
    return Tracing.start(otlpEndpoint.isBlank() ? null : otlpEndpoint, "otaflow.tracing.otlp-endpoint",
        Tracing.CONTROL_PLANE_SERVICE, Map.of());
  }

  @Bean
  @ConditionalOnExpression(TRACING_ON)
  io.opentracing.Tracer temporalTracer(Tracing tracing) {
    return tracing.tracer();
  }

  /** Rollout and robot IDs in the MDC of every workflow and activity thread. */
  @Bean
  WorkerInterceptor logContext() {
    return new LogContext();
  }
}
