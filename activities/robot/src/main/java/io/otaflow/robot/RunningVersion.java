package io.otaflow.robot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the health gate's service probe asks of the robot itself, not of state.json: whether the release expected is
 * what runs. A half-done switch shows up here.
 */
@FunctionalInterface
public interface RunningVersion {

  /** Empty when {@code expected} runs; otherwise why not, in one line starting with {@code service: }. */
  Optional<String> differsFrom(String expected);

  /** The slot {@code current} points at holds {@code expected} in its VERSION file. */
  static RunningVersion ofSlots(RobotDisk disk) {
    return expected -> {
      Path versionFile = disk.current().resolve("VERSION");
      String running;
      try {
        running = Files.readString(versionFile, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        return Optional.of("service: current/VERSION is missing, expected " + expected);
      }
      return running.equals(expected) ? Optional.empty()
          : Optional.of("service: current/VERSION is " + running + ", expected " + expected);
    };
  }

  /**
   * The app's tag names, in the engine, the image state.json records for {@code expected}. An engine that cannot be
   * asked fails the probe: closed, not open.
   */
  static RunningVersion ofApp(RobotDisk disk, ContainerApp app, ContainerEngine engine) {
    return expected -> {
      RobotDiskState state = disk.readState();
      String image = state.app(app.name()).current();
      if (!expected.equals(state.installedVersion()) || image == null) {
        return Optional.of("service: " + expected + " is not installed (state.json: " + state.installedVersion()
            + ")");
      }
      try {
        Optional<String> tagged = engine.inspect(app.taggedImage()).map(ContainerEngine.EngineImage::id);
        Optional<String> wanted = engine.inspect(image).map(ContainerEngine.EngineImage::id);
        if (tagged.isEmpty()) {
          return Optional.of("service: " + app.taggedImage() + " names no image, expected " + image);
        }
        return tagged.equals(wanted) ? Optional.empty()
            : Optional.of("service: " + app.taggedImage() + " names image " + tagged.get() + ", not " + image);
      } catch (RuntimeException e) {
        return Optional.of("service: container engine at " + engine.host() + " cannot be asked: " + e.getMessage());
      }
    };
  }
}
