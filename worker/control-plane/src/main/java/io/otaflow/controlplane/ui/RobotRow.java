package io.otaflow.controlplane.ui;

import io.otaflow.controlplane.RegistryMetrics.FleetLimits;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.registry.RobotRecord;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A robot as the fleet table shows it: its readings formatted, and flagged when out of range or stale (no report for
 * longer than the limit, or none ever) by the same limits as the fleet gauges ({@code otaflow.fleet.*}).
 *
 * @param lastReport how long ago its agent's latest report was sent, "never" before one
 */
public record RobotRow(String robotId, String href, String version, String labels, String battery, boolean batteryLow,
                       String temperature, boolean hot, String lastReport, boolean stale) {

  static RobotRow of(RobotRecord robot, RobotTelemetry telemetry, FleetLimits limits, Instant now) {
    Instant lastReport = telemetry == null ? null : Instant.ofEpochMilli(telemetry.sentAtEpochMillis());
    String labels = robot.labels().entrySet().stream().map(label -> label.getKey() + "=" + label.getValue())
        .collect(Collectors.joining(" "));
    return new RobotRow(robot.robotId(), DashboardPaths.robot(robot.robotId()),
        robot.installedVersion() == null ? "none" : robot.installedVersion(), labels,
        telemetry == null ? "" : String.format(Locale.ROOT, "%.0f %%", telemetry.batteryPercent()),
        telemetry != null && telemetry.batteryPercent() < limits.batteryLowBelowPercent(),
        telemetry == null ? "" : String.format(Locale.ROOT, "%.1f °C", telemetry.temperatureC()),
        telemetry != null && telemetry.temperatureC() > limits.hotAboveC(),
        Ago.text(lastReport, now), lastReport == null || lastReport.isBefore(now.minus(limits.staleAfter())));
  }
}
