package io.otaflow.controlplane.ui;

import io.otaflow.domain.RobotUpdateState;
import io.otaflow.plan.StagePlan;
import io.otaflow.registry.RolloutRobotRepository.StageStateCount;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A rollout's stages as bars of robots per state, from the registry's counts: the progress the dashboard draws. */
final class StageBars {

  /** A state's class names its colour: states that mean the same to a person share one. */
  private static final Map<String, String> CLASSES = classes();

  private StageBars() {
  }

  /**
   * One bar per stage of the plan, then one for robots outside every stage (stage index -1: a rollback's), if any.
   *
   * @param counts the rollout's counts, any stage and state
   */
  static List<Bar> of(List<StagePlan> stages, List<StageStateCount> counts) {
    Map<Integer, Map<RobotUpdateState, Integer>> byStage = new LinkedHashMap<>();
    for (StageStateCount count : counts) {
      byStage.computeIfAbsent(count.stageIndex(), stage -> new EnumMap<>(RobotUpdateState.class))
          .merge(count.state(), count.robots(), Integer::sum);
    }
    List<Bar> bars = new ArrayList<>();
    for (int stage = 0; stage < stages.size(); stage++) {
      bars.add(bar(stages.get(stage).name(), byStage.getOrDefault(stage, Map.of())));
    }
    if (byStage.containsKey(-1)) {
      bars.add(bar("outside the stages", byStage.get(-1)));
    }
    return bars;
  }

  private static Bar bar(String name, Map<RobotUpdateState, Integer> states) {
    Map<String, Integer> parts = new LinkedHashMap<>();
    states.forEach((state, robots) -> parts.put(state.name(), robots));
    return Bar.of(name, parts, states.values().stream().mapToInt(Integer::intValue).sum(), CLASSES);
  }

  private static Map<String, String> classes() {
    Map<String, String> classes = new LinkedHashMap<>();
    for (RobotUpdateState state : RobotUpdateState.values()) {
      classes.put(state.name(), switch (state) {
        case COMMITTED -> "ok";
        case PENDING -> "waiting";
        case FAILED, OFFLINE, DEFERRED -> "failed";
        case ROLLED_BACK -> "back";
        case ROLLBACK_FAILED -> "broken";
        default -> "busy";
      });
    }
    return Map.copyOf(classes);
  }

  /** The CSS class of a robot state, for its label in tables. */
  static String cssClass(RobotUpdateState state) {
    return CLASSES.get(state.name());
  }
}
