package io.otaflow.cli.chaos;

import io.otaflow.cli.chaos.Slot.Kind;
import java.util.List;
import java.util.Set;

/** Where a kill lands: a step of a robot's update, a rollback, or a stage's bake. */
enum Moment {
  DOWNLOAD("download", true, List.of(), Kind.BEFORE_APPLY),
  VERIFY("verify", true, List.of(), Kind.BEFORE_APPLY),
  SAFE_STATE_WAIT("safe-state wait", false, List.of(), Kind.BEFORE_APPLY),
  APPLY("apply", true, List.of("in beforeSwitch", "in afterSwitch"), Kind.FROM_APPLY, Kind.HOT_FROM_APPLY),
  HEALTH_GATE("health gate", false, List.of(), Kind.FROM_APPLY),
  COMMIT("commit", true, List.of(), Kind.FROM_APPLY),
  ROLLBACK("rollback", true, List.of("in beforeSwitch", "in afterSwitch", "in the probes after the switch"),
      Kind.HOT_FROM_APPLY, Kind.ROLLED_BACK_BY_ROLLOUT),
  BAKE("bake", false, List.of(), Kind.BAKE);

  final String label;
  /**
   * An agent killed here loses the step it was running, which Temporal retries only once the step's heartbeat
   * timeout (30 s) has passed; elsewhere the kill lands between steps (a timer runs) and costs only the restart.
   */
  final boolean agentKillLosesAStep;
  /** Where inside the moment a kill may land (which hook holds the robot there); empty: one way only. */
  final List<String> variants;
  private final Set<Kind> slots;

  Moment(String label, boolean agentKillLosesAStep, List<String> variants, Kind... slots) {
    this.label = label;
    this.agentKillLosesAStep = agentKillLosesAStep;
    this.variants = variants;
    this.slots = Set.of(slots);
  }

  boolean fits(Kind kind) {
    return slots.contains(kind);
  }
}
