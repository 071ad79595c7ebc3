package io.otaflow.controlplane.analysis;

/** How the control plane reaches the metrics that stage analyses query. @param prometheus null when none is set */
public record AnalysisSettings(PrometheusClient prometheus) {
}
