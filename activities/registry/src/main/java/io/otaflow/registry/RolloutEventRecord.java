package io.otaflow.registry;

import java.time.Instant;

/**
 * One entry of a rollout's audit log.
 *
 * @param kind   {@code ROLLOUT_STATUS}, {@code ROBOT_STATE}, {@code STAGES_ASSIGNED} or {@code ANALYSIS} (one
 *               measurement of a stage's analysis check)
 * @param status the RolloutStatus or RobotUpdateState name, the measurement's outcome (PASS, FAIL, INCONCLUSIVE),
 *               null for STAGES_ASSIGNED
 */
public record RolloutEventRecord(long id, String rolloutId, String robotId, String kind, String status, String stage,
                                 String reason, Instant at) {

  public static final String ROLLOUT_STATUS = "ROLLOUT_STATUS";
  public static final String ROBOT_STATE = "ROBOT_STATE";
  public static final String STAGES_ASSIGNED = "STAGES_ASSIGNED";
  public static final String ANALYSIS = "ANALYSIS";
}
