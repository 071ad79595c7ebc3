package io.otaflow.devstack;

import io.otaflow.robot.RobotSensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A simulated robot's readings, written where its file sensor source reads them ({@code <robotDir>/sensors.json}), and
 * releases that change them while they run: the robot's afterSwitch hook (the script {@link #install} writes) copies
 * in the readings kept for the version {@code current} now holds, or the robot's own otherwise. So a release that
 * overheats a robot stops doing so once the robot is switched back, as on a real robot.
 */
public final class SimulatedSensors {

  private static final String DIR = "simulator";

  private SimulatedSensors() {
  }

  /**
   * Gives the robot {@code readings} and the switch script; returns the afterSwitch command that runs it.
   */
  public static String install(Path robotDir, RobotSensors readings) {
    set(robotDir, readings);
    Path script = robotDir.resolve(DIR).resolve("switch-sensors.sh");
    try {
      Files.writeString(script, String.join("\n",
          "# afterSwitch hook of a simulated robot: the readings of the version it now runs",
          "cd \"$(dirname \"$0\")/..\" || exit 1",
          "readings=" + DIR + "/running-$(cat current/VERSION)",
          "[ -e \"$readings/" + RobotSensors.FILE + "\" ] || readings=" + DIR + "/own",
          "cp \"$readings/" + RobotSensors.FILE + "\" " + RobotSensors.FILE + ".next && mv " + RobotSensors.FILE
              + ".next " + RobotSensors.FILE,
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + script, e);
    }
    return "sh " + script;
  }

  /** The robot's own readings, from now on and whenever it runs a version without readings of its own. */
  public static void set(Path robotDir, RobotSensors readings) {
    readings.write(robotDir.resolve(DIR).resolve("own"));
    readings.write(robotDir);
  }

  /** The readings the robot shows while it runs {@code version}, from its next switch to it. */
  public static void whileRunning(Path robotDir, String version, RobotSensors readings) {
    readings.write(robotDir.resolve(DIR).resolve("running-" + version));
  }
}
