package io.otaflow.rollout;

import io.otaflow.domain.RolloutStatus;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

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

  /**
   * The rollout as the Temporal Web UI shows it (the workflow's current details, Markdown): status, stage, a row per
   * stage, robots by state, and the reason.
   */
  public String markdown() {
    StringBuilder text = new StringBuilder("**").append(status).append("** · release ").append(releaseVersion);
    if (stageIndex >= 0 && stageIndex < stages.size()) {
      text.append(" · stage ").append(stageIndex + 1).append('/').append(stages.size()).append(" `")
          .append(stages.get(stageIndex).name()).append('`');
    }
    text.append("\n\n| stage | robots | committed | finished | min healthy |\n|---|---|---|---|---|\n");
    stages.forEach(stage -> text.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.0f%% |\n", stage.name(),
        stage.size(), stage.committed(), stage.finished(), stage.minHealthy() * 100)));
    text.append("\nrobots: ").append(robotCounts.entrySet().stream().filter(count -> count.getValue() > 0)
        .map(count -> count.getKey() + " " + count.getValue()).collect(Collectors.joining(", ")));
    if (reason != null) {
      text.append("\n\n").append(reason);
    }
    return text.toString();
  }
}
