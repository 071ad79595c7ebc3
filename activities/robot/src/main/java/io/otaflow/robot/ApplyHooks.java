package io.otaflow.robot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What apply does around the switch of {@code current}: refuse while the kill switch file exists, run
 * {@code beforeSwitch} commands (such as {@code systemctl stop robot-app}) before it and {@code afterSwitch}
 * commands ({@code systemctl start robot-app}) after it, each within {@code timeout}.
 *
 * @param killSwitchFile null: no kill switch
 */
public record ApplyHooks(List<String> beforeSwitch, List<String> afterSwitch, Duration timeout,
                         Path killSwitchFile) {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  private static final Logger log = LoggerFactory.getLogger(ApplyHooks.class);

  public ApplyHooks {
    beforeSwitch = List.copyOf(beforeSwitch);
    afterSwitch = List.copyOf(afterSwitch);
    Objects.requireNonNull(timeout, "timeout");
  }

  /** No commands; the default kill switch {@code <robotDir>/kill-switch}. */
  public static ApplyHooks defaults(Path robotDir) {
    return new ApplyHooks(List.of(), List.of(), DEFAULT_TIMEOUT, robotDir.resolve(SafeStateRules.DEFAULT_KILL_SWITCH));
  }

  /** The same hooks with {@code command} run last after each switch. */
  public ApplyHooks withAfterSwitch(String command) {
    List<String> after = new ArrayList<>(afterSwitch);
    after.add(command);
    return new ApplyHooks(beforeSwitch, after, timeout, killSwitchFile);
  }

  Optional<String> killSwitchOn() {
    return SafeStateRules.killSwitchOn(killSwitchFile);
  }

  /**
   * Best effort, after a switch that did not happen or was undone: the afterSwitch hooks on the release that stays
   * ({@code stayingVersion} on the robot at {@code robotDir}), so the services a beforeSwitch hook stopped run again.
   * A failure is logged: the one being reported is the new release's.
   */
  void restartServices(Path robotDir, String stayingVersion) {
    run(afterSwitch).ifPresent(failure -> log.error("robot {}: afterSwitch hooks failed on {} too: {}", robotDir,
        stayingVersion, failure));
  }

  /** Runs the commands in order; returns the first failure, described, or empty when all exited 0. */
  Optional<String> run(List<String> commands) {
    for (String command : commands) {
      CommandRunner.Result result = CommandRunner.run(command, timeout);
      if (!result.ok()) {
        return Optional.of(result.describe(timeout));
      }
    }
    return Optional.empty();
  }
}
