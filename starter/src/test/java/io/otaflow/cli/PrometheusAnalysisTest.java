package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otaflow.analysis.Measurement;
import io.otaflow.controlplane.analysis.PrometheusAnalysisActivities;
import io.otaflow.controlplane.analysis.PrometheusClient;
import io.otaflow.plan.AnalysisCheck;
import io.otaflow.plan.InconclusiveAction;
import io.otaflow.plan.SuccessCondition;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane's analysis activity against a real Prometheus that scrapes values this test sets: a pass, a
 * fail, the inconclusive answers (no series, several series), and Prometheus down.
 */
class PrometheusAnalysisTest {

  @TempDir
  Path dir;

  private static AnalysisCheck check(String query) {
    return new AnalysisCheck("error-rate", query, new SuccessCondition("<", 0.05), Duration.ofSeconds(1), 3, 0,
        InconclusiveAction.PAUSE);
  }

  @Test
  void measuresPassFailInconclusiveAndPrometheusDown() throws Exception {
    try (TestPrometheus prometheus = TestPrometheus.start(dir.resolve("prometheus"))) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      PrometheusAnalysisActivities analysis = new PrometheusAnalysisActivities(
          new PrometheusClient(URI.create(prometheus.url())), Duration.ofMillis(100), meters);

      prometheus.set("test_error_ratio", 0.01);
      assertThat(analysis.measure("ro-1", "canary", check("test_error_ratio")))
          .isEqualTo(new Measurement(Measurement.Outcome.PASS, 0.01, null));
      prometheus.set("test_error_ratio", 0.2);
      assertThat(analysis.measure("ro-1", "canary", check("max(test_error_ratio)")))
          .isEqualTo(new Measurement(Measurement.Outcome.FAIL, 0.2, null));

      assertThat(analysis.measure("ro-1", "canary", check("test_never_exported")))
          .isEqualTo(Measurement.inconclusive("empty result"));
      prometheus.setAll(List.of("test_latency_seconds{robot=\"r1\"}", "test_latency_seconds{robot=\"r2\"}"),
          "test_latency_seconds", 0.3);
      assertThat(analysis.measure("ro-1", "canary", check("test_latency_seconds")))
          .isEqualTo(Measurement.inconclusive("2 series, not one"));
      assertThat(analysis.measure("ro-1", "canary", check("sum(rate(")).reason())
          .startsWith("prometheus refused the query (HTTP 400): bad_data: ");

      prometheus.stopPrometheus();
      Measurement down = analysis.measure("ro-1", "canary", check("test_error_ratio"));
      assertThat(down.outcome()).isEqualTo(Measurement.Outcome.INCONCLUSIVE);
      assertThat(down.reason()).startsWith("prometheus unreachable at " + prometheus.url() + ": ")
          .endsWith(" (3 tries)");

      assertThat(meters.get("otaflow.analysis.measurements").tag("result", "pass").counter().count()).isEqualTo(1);
      assertThat(meters.get("otaflow.analysis.measurements").tag("result", "fail").counter().count()).isEqualTo(1);
      assertThat(meters.get("otaflow.analysis.measurements").tag("result", "inconclusive").counter().count())
          .isEqualTo(4);
    }
  }
}
