package io.otaflow.controlplane.api;

import io.otaflow.domain.RobotUpdateState;
import java.util.List;

/**
 * The query of {@code GET /api/v1/rollouts/{id}/robots}, checked: robots in any of {@code states} (every state when
 * empty), with IDs after {@code after} (null: from the first), at most {@code limit} of them.
 */
record RobotPageQuery(List<RobotUpdateState> states, String after, int limit) {

  /**
   * Reads the query parameters as given: state names in any case; {@code limit} as text, so that a bad one is refused
   * with the same sentence whether it is not a number or out of range.
   *
   * @throws IllegalArgumentException naming the parameter at fault
   */
  static RobotPageQuery parse(List<String> states, String after, String limit) {
    return new RobotPageQuery(states == null ? List.of() : states.stream()
        .map(state -> EnumParameter.parse(RobotUpdateState.class, "state", "robot state", state)).toList(),
        after, PageLimit.parse(limit));
  }
}
