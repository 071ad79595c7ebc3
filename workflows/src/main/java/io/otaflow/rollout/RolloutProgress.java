package io.otaflow.rollout;

import io.otaflow.domain.RolloutStatus;
import java.util.List;
import java.util.Map;

/**
 * What a rollout looks like now, as answered by its {@code progress} query.
 *
 * @param stageIndex   index of the current stage, -1 before the first
 * @param robotCounts  robots per final state name, plus PENDING (not started) and IN_FLIGHT (updating now)
 * @param rolledBack   robots the rollout itself switched back after a stage failed or an abort
 * @param reason       why the rollout is where it is (paused by..., stage X missed its threshold...), or null
 */
public record RolloutProgress(String rolloutId, String releaseVersion, RolloutStatus status, int stageIndex,
                              List<StageProgress> stages, Map<String, Integer> robotCounts, int rolledBack,
                              String reason) {

  public int totalRobots() {
    return stages.stream().mapToInt(StageProgress::size).sum();
  }
}
