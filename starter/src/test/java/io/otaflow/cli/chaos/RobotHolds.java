package io.otaflow.cli.chaos;

import io.otaflow.cli.chaos.KillExecutor.Trap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the suite holds a robot at a moment from the outside, through the files its hook script ({@code hook.sh}) and
 * its mission lock file read in {@code <robot>/chaos/}: {@code arm-<point>-<version>} makes the hook block at that
 * point while {@code current} runs that version (after letting the number of runs it holds pass), renaming it
 * {@code held-<point>-<version>} until the suite deletes that; {@code busy} keeps the robot on a mission, so never in a
 * safe state.
 */
final class RobotHolds {

  /** A hook point (beforeSwitch, afterSwitch, probe), the release {@code current} runs there, runs to let pass. */
  record Hook(String point, String version, int skip) {

    Path armed(Path chaosDir) {
      return chaosDir.resolve("arm-" + point + "-" + version);
    }

    Path held(Path chaosDir) {
      return chaosDir.resolve("held-" + point + "-" + version);
    }

    @Override
    public String toString() {
      return point + (skip > 0 ? " run " + (skip + 1) : "") + " on " + version;
    }
  }

  private RobotHolds() {
  }

  /**
   * The hook that holds the trap's robot: apply in its switch hooks (current still on the old release before the
   * switch, on the new one after), the health gate in its first probe and commit in its second (the plans check health
   * twice), a rollback in its switch hooks or in the probes after the switch back.
   */
  static Optional<Hook> hookOf(Trap t) {
    int variant = t.kill().variant();
    return switch (t.kill().moment()) {
      case APPLY -> Optional.of(variant == 0 ? new Hook("beforeSwitch", t.from(), 0)
          : new Hook("afterSwitch", t.to(), 0));
      case HEALTH_GATE -> Optional.of(new Hook("probe", t.to(), 0));
      case COMMIT -> Optional.of(new Hook("probe", t.to(), 1));
      case ROLLBACK -> Optional.of(switch (variant) {
        case 0 -> new Hook("beforeSwitch", t.to(), 0);
        case 1 -> new Hook("afterSwitch", t.from(), 0);
        default -> new Hook("probe", t.from(), 0);
      });
      default -> Optional.empty();
    };
  }

  static void arm(Trap t, Path chaosDir) throws IOException {
    if (t.kill().moment() == Moment.SAFE_STATE_WAIT) {
      Files.writeString(chaosDir.resolve("busy"), "on a mission (chaos suite)");
    }
    Optional<Hook> hook = hookOf(t);
    if (hook.isPresent()) {
      Files.writeString(hook.get().armed(chaosDir), Integer.toString(hook.get().skip()));
    }
  }

  static void disarm(Trap t, Path chaosDir) throws IOException {
    Files.deleteIfExists(chaosDir.resolve("busy"));
    Optional<Hook> hook = hookOf(t);
    if (hook.isPresent()) {
      Files.deleteIfExists(hook.get().armed(chaosDir));
      Files.deleteIfExists(hook.get().held(chaosDir));
    }
  }
}
