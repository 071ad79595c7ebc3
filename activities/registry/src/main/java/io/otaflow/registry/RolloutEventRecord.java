package io.otaflow.registry;

import java.time.Instant;

/**
 * One entry of a rollout's audit log.
 *
 * @param kind   {@code ROLLOUT_STATUS}, {@code ROBOT_STATE} or {@code STAGES_ASSIGNED}
 * @param status the RolloutStatus or RobotUpdateState name, null for STAGES_ASSIGNED
 */
public record RolloutEventRecord(long id, String rolloutId, String robotId, String kind, String status, String stage,
                                 String reason, Instant at) {

  public static final String ROLLOUT_STATUS = "ROLLOUT_STATUS";
  public static final String ROBOT_STATE = "ROBOT_STATE";
  public static final String STAGES_ASSIGNED = "STAGES_ASSIGNED";
}
