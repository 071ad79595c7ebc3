package io.otaflow.robot;

/** Limits a healthy robot stays within. */
public record HealthThresholds(double minBatteryPercent, double maxTemperatureC, long maxLatencyMs) {

  public static HealthThresholds defaults() {
    return new HealthThresholds(20, 80, 250);
  }
}
