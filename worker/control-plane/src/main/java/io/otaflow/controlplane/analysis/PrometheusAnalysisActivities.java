package io.otaflow.controlplane.analysis;

import static net.logstash.logback.argument.StructuredArguments.value;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.analysis.AnalysisActivities;
import io.otaflow.analysis.Measurement;
import io.otaflow.plan.AnalysisCheck;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AnalysisActivities} against the control plane's Prometheus. An unreachable Prometheus is asked again a few
 * times, quickly, within the activity's start-to-close timeout, then the measurement is INCONCLUSIVE with the cause:
 * the rollout decides what that means (a check's {@code inconclusive}), never this class. Counts every measurement by
 * result ({@code otaflow.analysis.measurements}).
 */
public class PrometheusAnalysisActivities implements AnalysisActivities {

  private static final Logger log = LoggerFactory.getLogger(PrometheusAnalysisActivities.class);
  /** Tries of an unreachable Prometheus: 3, 1 s apart, each at most {@link PrometheusClient#REQUEST_TIMEOUT}. */
  static final int TRIES = 3;

  private final PrometheusClient prometheus;
  private final Duration retryDelay;
  private final Map<Measurement.Outcome, Counter> measurements = new EnumMap<>(Measurement.Outcome.class);

  /**
   * @param prometheus null when the control plane has none configured: every measurement is inconclusive (rollouts
   *                   with analysis are refused at start then; this covers one started before a restart without it)
   * @param retryDelay between tries of an unreachable Prometheus
   */
  public PrometheusAnalysisActivities(PrometheusClient prometheus, Duration retryDelay, MeterRegistry meters) {
    this.prometheus = prometheus;
    this.retryDelay = retryDelay;
    for (Measurement.Outcome outcome : Measurement.Outcome.values()) {
      measurements.put(outcome, Counter.builder("otaflow.analysis.measurements")
          .tag("result", outcome.name().toLowerCase(Locale.ROOT))
          .description("Stage analysis measurements, by result").register(meters));
    }
  }

  @Override
  public Measurement measure(String rolloutId, String stage, AnalysisCheck check) {
    Measurement measurement = prometheus == null
        ? Measurement.inconclusive("the control plane has no Prometheus to query (otaflow.analysis.prometheus-url)")
        : query(rolloutId, check);
    measurements.get(measurement.outcome()).increment();
    if (measurement.outcome() == Measurement.Outcome.INCONCLUSIVE) {
      log.warn("rollout {} stage '{}' analysis '{}' inconclusive: {}", value("rolloutId", rolloutId), stage,
          check.name(), measurement.reason());
    }
    return measurement;
  }

  private Measurement query(String rolloutId, AnalysisCheck check) {
    for (int attempt = 1; ; attempt++) {
      try {
        InstantValue answer = prometheus.query(check.query());
        return answer.value() != null ? Measurement.of(answer.value(), check.successCondition())
            : Measurement.inconclusive(answer.missing());
      } catch (PrometheusUnavailableException e) {
        if (attempt >= TRIES) {
          return Measurement.inconclusive(e.getMessage() + " (" + TRIES + " tries)");
        }
        log.info("rollout {} analysis '{}': {}; trying again in {}", value("rolloutId", rolloutId), check.name(),
            e.getMessage(), retryDelay);
        if (!pause()) {
          return Measurement.inconclusive(e.getMessage() + " (interrupted)");
        }
      }
    }
  }

  private boolean pause() {
    try {
      Thread.sleep(retryDelay.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
