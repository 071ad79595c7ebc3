package io.otaflow.robotside;

/** Limits a healthy robot stays within. */
public record HealthThresholds(double minBatteryPercent, double maxTemperatureC, long maxLatencyMs) {

  public static HealthThresholds defaults() {
    return new HealthThresholds(20, 80, 250);
  }
}
