package io.otaflow.controlplane.ui;

import io.otaflow.plan.StagePlan;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.registry.RolloutRobotRepository.StageStateCount;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/** Rollouts as the dashboard lists them, with their stage bars: one grouped count query for all of them. */
@ConditionalOnWebApplication
@Component
class RolloutSummaries {

  private final RolloutRepository rollouts;
  private final RolloutRobotRepository rolloutRobots;
  private final Clock clock = Clock.systemUTC();

  RolloutSummaries(RolloutRepository rollouts, RolloutRobotRepository rolloutRobots) {
    this.rollouts = rollouts;
    this.rolloutRobots = rolloutRobots;
  }

  List<RolloutSummary> of(List<RolloutRecord> records) {
    Map<String, List<StageStateCount>> counts = rolloutRobots.countsByStage(
            records.stream().map(RolloutRecord::rolloutId).toList()).stream()
        .collect(Collectors.groupingBy(StageStateCount::rolloutId));
    return records.stream().map(record -> summary(record, stages(record.rolloutId()),
            counts.getOrDefault(record.rolloutId(), List.of())))
        .toList();
  }

  /** One rollout whose plan's stages the caller read already. */
  RolloutSummary of(RolloutRecord record, List<StagePlan> stages) {
    return summary(record, stages, rolloutRobots.countsByStage(List.of(record.rolloutId())));
  }

  private RolloutSummary summary(RolloutRecord record, List<StagePlan> stages, List<StageStateCount> counts) {
    return new RolloutSummary(record, StageBars.of(stages, counts), Ago.text(record.updatedAt(), clock.instant()));
  }

  private List<StagePlan> stages(String rolloutId) {
    return rollouts.rolloutRequest(rolloutId).map(request -> request.plan().stages()).orElse(List.of());
  }
}
