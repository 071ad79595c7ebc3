package io.otaflow.robot.sensors;

import java.util.Map;

/** One place a robot's readings come from: sysfs, a command, an HTTP endpoint, a file, an update-lock file. */
public interface SensorSource {

  /** The source as reasons name it: {@code file /var/lib/otaflow/sensors.json}. */
  String name();

  /**
   * Reads now. Never throws: a quantity the source could not read, or read too old, maps to why, naming the source;
   * a quantity the source does not report is absent.
   */
  Map<Quantity, Reading> read();
}
