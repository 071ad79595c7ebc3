package io.otaflow.robot.sensors;

/**
 * What a robot's sensors report, each under the JSON field a file, command or HTTP source answers it in (the fields
 * of sensors.json), and the label reasons name it by.
 */
public enum Quantity {
  BATTERY_PERCENT("batteryPercent", "battery", false),
  CHARGING("charging", "charging state", true),
  DOCKED("docked", "dock state", true),
  TEMPERATURE_C("temperatureC", "temperature", false),
  LATENCY_MS("latencyMs", "latency", false),
  SERVICE_UP("serviceUp", "service state", true),
  MISSION_ACTIVE("missionActive", "mission state", true);

  private final String field;
  private final String label;
  private final boolean flag;

  Quantity(String field, String label, boolean flag) {
    this.field = field;
    this.label = label;
    this.flag = flag;
  }

  public String field() {
    return field;
  }

  public String label() {
    return label;
  }

  /** True or false; otherwise a number. */
  public boolean isFlag() {
    return flag;
  }
}
