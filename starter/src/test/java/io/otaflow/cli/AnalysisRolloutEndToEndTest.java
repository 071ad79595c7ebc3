package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.devstack.LocalStack;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.AnalysisCheck;
import io.otaflow.plan.InconclusiveAction;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StageAnalysis;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.SuccessCondition;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RolloutEventRecord;
import io.otaflow.rollout.AbortCommand;
import io.otaflow.rollout.RolloutProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollouts whose canary is analysed against a real Prometheus (scraping a value this test sets), on the dev stack:
 * Temporal's server, the control plane, the artifact server and simulated robots. Then Prometheus is killed.
 */
class AnalysisRolloutEndToEndTest {

  private static final int ROBOTS = 4;

  @TempDir
  Path dir;

  @BeforeAll
  static void quietLogging() {
    Logging.takeOver();
  }

  /** The canary's error ratio must stay below 0.05 over three measurements a second apart. */
  private static RolloutPlan analysedCanary() {
    AnalysisCheck errorRate = new AnalysisCheck("error-rate", "max(test_error_ratio)", new SuccessCondition("<", 0.05),
        Duration.ofSeconds(1), 3, 0, InconclusiveAction.PAUSE);
    return new RolloutPlan(List.of(StagePlan.canary("canary", 1, Duration.ZERO, 1.0)
            .withAnalysis(new StageAnalysis(List.of(errorRate))), StagePlan.percent("100%", 100, Duration.ZERO, 1.0)),
        ROBOTS, Duration.ofSeconds(30), 1, Duration.ofMillis(200));
  }

  private static List<String> analysisEvents(LocalStack stack, String rolloutId) {
    return stack.events().events(rolloutId).stream()
        .filter(event -> event.kind().equals(RolloutEventRecord.ANALYSIS))
        .map(event -> event.status() + " " + event.stage() + " " + event.reason()).toList();
  }

  @Test
  void aPassingAnalysisLetsTheRolloutThroughAFailingOneRollsItBackAndNoPrometheusPausesIt() throws Exception {
    Logging.toFile(dir.resolve("otaflow.log"));
    try (TestPrometheus prometheus = TestPrometheus.start(dir.resolve("prometheus"));
         LocalStack stack = LocalStack.start(dir.resolve("stack"), ROBOTS, prometheus.url())) {
      stack.publish("1.0.0", "healthy");
      stack.publish("1.1.0", "raises the error ratio");
      RolloutWatcher watcher = new RolloutWatcher(stack.rollouts()::progress, null);

      prometheus.set("test_error_ratio", 0.01);
      stack.rollouts().startRollout("analysed-pass", "1.0.0", analysedCanary(), TargetSelector.wholeFleet(), "test");
      RolloutProgress passed = watcher.await("analysed-pass", Duration.ofMinutes(2));

      assertThat(passed.status()).isEqualTo(RolloutStatus.SUCCEEDED);
      assertThat(analysisEvents(stack, "analysed-pass")).containsExactly(
          "PASS canary stage 'canary' analysis 'error-rate': 0.01 < 0.05 (1 of 3)",
          "PASS canary stage 'canary' analysis 'error-rate': 0.01 < 0.05 (2 of 3)",
          "PASS canary stage 'canary' analysis 'error-rate': 0.01 < 0.05 (3 of 3)");
      assertThat(stack.fleet().robotIds()).allSatisfy(robot ->
          assertThat(Demo.versionOnDisk(stack.fleet().disk(robot).dir())).isEqualTo("1.0.0"));

      prometheus.set("test_error_ratio", 0.2);
      stack.rollouts().startRollout("analysed-fail", "1.1.0", analysedCanary(), TargetSelector.wholeFleet(), "test");
      RolloutProgress failed = watcher.await("analysed-fail", Duration.ofMinutes(2));

      assertThat(failed.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
      assertThat(failed.reason())
          .isEqualTo("stage 'canary' analysis 'error-rate' failed: 1 of 3 measurements not < 0.05 (last 0.2)");
      assertThat(analysisEvents(stack, "analysed-fail"))
          .containsExactly("FAIL canary stage 'canary' analysis 'error-rate': 0.2 not < 0.05 (1 of 3)");
      assertThat(failed.robotCounts()).containsEntry("ROLLED_BACK", 1).containsEntry("PENDING", ROBOTS - 1);
      assertThat(stack.fleet().robotIds()).allSatisfy(robot ->
          assertThat(Demo.versionOnDisk(stack.fleet().disk(robot).dir())).isEqualTo("1.0.0"));

      // Prometheus gone: inconclusive, never a pass; the check says PAUSE, so a person decides.
      prometheus.stopPrometheus();
      stack.rollouts().startRollout("analysed-blind", "1.1.0", analysedCanary(), TargetSelector.wholeFleet(), "test");
      TestProcesses.waitFor("the rollout to pause on an inconclusive measurement", Duration.ofMinutes(2),
          () -> stack.rollouts().progress("analysed-blind").status() == RolloutStatus.PAUSED);
      assertThat(stack.rollouts().progress("analysed-blind").reason()).startsWith("stage 'canary' analysis"
          + " 'error-rate' inconclusive: prometheus unreachable at " + prometheus.url() + ": ")
          .contains("(3 tries); paused for a person (inconclusive: PAUSE)");
      stack.rollouts().abort("analysed-blind", new AbortCommand("ana", "no metrics, no rollout", true));
      RolloutProgress blind = watcher.await("analysed-blind", Duration.ofMinutes(2));

      assertThat(blind.status()).isEqualTo(RolloutStatus.ROLLED_BACK);
      assertThat(analysisEvents(stack, "analysed-blind")).singleElement(InstanceOfAssertFactories.STRING)
          .startsWith("INCONCLUSIVE canary stage 'canary' analysis 'error-rate': inconclusive: prometheus unreachable");
      assertThat(stack.fleet().robotIds()).allSatisfy(robot ->
          assertThat(Demo.versionOnDisk(stack.fleet().disk(robot).dir())).isEqualTo("1.0.0"));
    }
  }
}
