package io.otaflow.robot.sensors;

import java.util.Map;

/** Every quantity as the robot's sources answered it at one moment: a value, or why it is unknown. */
public record SensorReadings(Map<Quantity, Reading> readings) {

  public SensorReadings {
    if (readings.size() != Quantity.values().length) {
      throw new IllegalArgumentException("readings of every quantity expected, got " + readings.keySet());
    }
    readings = Map.copyOf(readings);
  }

  public Reading get(Quantity quantity) {
    return readings.get(quantity);
  }
}
