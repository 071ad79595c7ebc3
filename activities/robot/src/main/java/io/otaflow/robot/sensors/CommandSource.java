package io.otaflow.robot.sensors;

import io.otaflow.robot.CommandRunner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A command ({@code sh -c}) that prints a JSON object of readings on stdout and exits 0, such as a script reading a
 * ROS 2 {@code sensor_msgs/BatteryState} topic. Its readings are as old as its {@code timestamp} field says, else new.
 *
 * @param maxAge older readings are unknown; null: no limit
 */
public record CommandSource(String command, Duration timeout, Duration maxAge, Clock clock) implements SensorSource {

  @Override
  public String name() {
    return "command `" + command + "`";
  }

  @Override
  public Map<Quantity, Reading> read() {
    CommandRunner.Result result = CommandRunner.runForStdout(command, timeout);
    if (!result.ok()) {
      return JsonReadings.failed("command " + result.describe(timeout));
    }
    Instant now = clock.instant();
    return JsonReadings.parse(name(), result.stdout(), now, maxAge, now);
  }
}
