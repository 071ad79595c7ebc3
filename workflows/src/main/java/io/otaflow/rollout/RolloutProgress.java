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
 * @param analysis     the current stage's analysis while it runs or holds the rollout, a line per check
 *                     ({@code error-rate: 2 of 5 measured, 0 failed (limit 1), last 0.012 < 0.05}); empty otherwise
 */
public record RolloutProgress(String rolloutId, String releaseVersion, RolloutStatus status, int stageIndex,
                              List<StageProgress> stages, Map<String, Integer> robotCounts, int rolledBack,
                              String reason, List<String> analysis) {

  public RolloutProgress {
    // Absent from the progress of rollouts (and control planes) from before stage analysis.
    analysis = analysis == null ? List.of() : List.copyOf(analysis);
  }

  /** Progress without an analysis running. */
  public RolloutProgress(String rolloutId, String releaseVersion, RolloutStatus status, int stageIndex,
                         List<StageProgress> stages, Map<String, Integer> robotCounts, int rolledBack, String reason) {
    this(rolloutId, releaseVersion, status, stageIndex, stages, robotCounts, rolledBack, reason, List.of());
  }

  public int totalRobots() {
    return stages.stream().mapToInt(StageProgress::size).sum();
  }

  /**
   * The rollout as the Temporal Web UI shows it (the workflow's current details, Markdown): status, stage, a row per
   * stage, robots by state, the analysis running, and the reason.
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
    if (!analysis.isEmpty()) {
      text.append("\n\nanalysis:\n");
      analysis.forEach(check -> text.append("- ").append(check).append('\n'));
    }
    if (reason != null) {
      text.append("\n\n").append(reason);
    }
    return text.toString();
  }
}
