package io.otaflow.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * A rollout's state carried over continue-as-new. Robots are not listed here (a fleet of 100,000 would not fit in
 * a payload): they live in the registry and are read back a page at a time from {@code cursor}.
 *
 * @param stageCommitted robots COMMITTED per stage
 * @param stageFinished  robots in a final state per stage
 * @param cursor         last robot started in the current stage, or rolled back in the rollback phase
 * @param rollingBack    the rollout is in its rollback phase
 * @param rolledBack     robots the rollback phase switched back
 * @param approvedStage  highest stage index a person approved, -1 for none
 * @param pausedBy       the pause command in force, or null
 * @param abort          the abort command received, or null
 */
// Checkpoints that rollouts already running carry may hold fields since dropped (rollbackUnconfirmed).
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutCheckpoint(int stageIndex, List<Integer> stageSizes, List<Integer> stageCommitted,
                                List<Integer> stageFinished, Map<String, Integer> robotCounts, String cursor,
                                boolean rollingBack, int rolledBack, int approvedStage, OperatorCommand pausedBy,
                                AbortCommand abort, String reason) {
}
