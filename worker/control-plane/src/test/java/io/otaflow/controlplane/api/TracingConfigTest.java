package io.otaflow.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.TemporalTestServer;
import io.otaflow.observability.Tracing;
import io.temporal.client.WorkflowClient;
import io.temporal.opentracing.OpenTracingClientInterceptor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing is on with an OTLP endpoint alone: without one the control plane has no exporter and its workflow client
 * no tracing interceptor (nor Spring's or Temporal's own OpenTelemetry set-up behind its back); with one, the client
 * opens a trace for every workflow it starts.
 */
class TracingConfigTest {

  @TempDir
  Path dir;

  @Test
  void withoutAnEndpointNothingIsTraced() throws Exception {
    try (TemporalTestServer temporal = TemporalTestServer.start();
         ControlPlaneUnderTest controlPlane = ControlPlaneUnderTest.start(temporal.target(), dir, Map.of())) {
      assertThat(controlPlane.bean(Tracing.class).isOn()).isFalse();
      assertThat(controlPlane.bean(WorkflowClient.class).getOptions().getInterceptors())
          .noneMatch(OpenTracingClientInterceptor.class::isInstance);
    }
  }

  @Test
  void anEndpointTracesWhatTheClientStarts() throws Exception {
    try (TemporalTestServer temporal = TemporalTestServer.start();
         ControlPlaneUnderTest controlPlane = ControlPlaneUnderTest.start(temporal.target(), dir,
             Map.of("otaflow.tracing.otlp-endpoint", "http://127.0.0.1:4318"))) {
      assertThat(controlPlane.bean(Tracing.class).isOn()).isTrue();
      assertThat(controlPlane.bean(WorkflowClient.class).getOptions().getInterceptors())
          .hasAtLeastOneElementOfType(OpenTracingClientInterceptor.class);
    }
  }
}
