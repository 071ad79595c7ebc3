package io.otaflow.cli.bench;

import io.otaflow.analysis.AnalysisActivities;
import io.otaflow.cli.DatabaseUrls;
import io.otaflow.cli.RolloutWatcher;
import io.otaflow.devstack.LocalStack;
import io.otaflow.devstack.bench.InstantRobotUpdateWorkflowImpl;
import io.otaflow.devstack.bench.InstantRolloutChecks;
import io.otaflow.devstack.bench.InstantRolloutWorker;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.robotupdate.RobotStateActivities;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutRegistryActivities;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Jdbi;

/**
 * The real rollout workflow over a fleet that exists only in the registry, each robot's update an instant stand-in
 * that writes what a real update writes: the engine's own cost at scale, then the checks of
 * {@link InstantRolloutChecks} (history sizes, the window, each robot updated once, continue-as-new in both phases).
 */
final class InstantRolloutBenchmark extends FleetBenchmark {

  static final String ROLLOUT_ID = "bench-instant";
  static final String RELEASE = "1.0.0";
  /** 100,000 robots at the embedded server's pace, with room. */
  private static final Duration ROLLOUT_TIMEOUT = Duration.ofHours(3);
  /** Each waits up to the pool's own timeout (30 s on H2) for a connection. */
  private static final int STALLED_PROGRESS_ATTEMPTS = 10;

  /**
   * @param historyBudget      the rollout's continue-as-new budget in history events; 0 for the workflow's default
   * @param childHistorySample robot workflows whose history is counted, at most
   * @param historyEventLimit  the most events any checked history may hold
   * @param databaseUrl        the registry: an empty PostgreSQL database; null for H2 under the data directory
   */
  record Setup(int robots, int maxParallel, boolean failLastStage, int historyBudget, int childHistorySample,
               int historyEventLimit, String databaseUrl) {
  }

  private final Setup setup;

  /** @param progress where progress lines go; null: nowhere */
  InstantRolloutBenchmark(Path dataDir, Setup setup, PrintStream progress) {
    super(dataDir, setup.robots(), setup.maxParallel(), progress);
    this.setup = setup;
  }

  Result run() throws Exception {
    long benchStarted = System.nanoTime();
    try (HeapWatch heap = new HeapWatch();
         LocalStack stack = LocalStack.startWithoutControlWorker(dataDir, setup.databaseUrl())) {
      Jdbi registry = stack.controlPlaneBean(Jdbi.class);
      say("Registering " + setup.robots() + " robots in the registry "
          + (setup.databaseUrl() == null ? "under " + dataDir : "at " + DatabaseUrls.withoutSecrets(setup.databaseUrl())));
      BenchRobots.register(registry, setup.robots(), LocalStack.FACTORY_VERSION);
      stack.publish(RELEASE, "instant rollout benchmark");
      RolloutPlan plan = RolloutBenchmark.plan(setup.maxParallel());
      int failingStage = setup.failLastStage() ? plan.stages().size() - 1
          : InstantRobotUpdateWorkflowImpl.NO_FAILING_STAGE;
      RolloutProgress ended;
      double rolloutSeconds;
      try (InstantRolloutWorker ignored = InstantRolloutWorker.start(stack.client(),
          new InstantRolloutWorker.Activities(stack.controlPlaneBean(RolloutRegistryActivities.class),
              stack.controlPlaneBean(RobotStateActivities.class), stack.controlPlaneBean(AnalysisActivities.class)),
          new InstantRolloutWorker.Setup(setup.historyBudget(), failingStage, LocalStack.FACTORY_VERSION))) {
        say("Rolling " + RELEASE + " out to " + setup.robots() + " instant robots, " + setup.maxParallel()
            + " at a time" + (setup.failLastStage() ? "; the last stage fails" : ""));
        long started = System.nanoTime();
        stack.rollouts().startRollout(ROLLOUT_ID, RELEASE, plan, TargetSelector.wholeFleet(), "otaflow bench");
        ended = new RolloutWatcher(ridingOutStalls(stack.rollouts()::progress), progress())
            .await(ROLLOUT_ID, ROLLOUT_TIMEOUT);
        rolloutSeconds = (System.nanoTime() - started) / 1e9;
      }
      say("Checking the rollout's histories and the registry");
      InstantRolloutChecks.Result checks = new InstantRolloutChecks(stack.client(), registry).check(ROLLOUT_ID,
          new InstantRolloutChecks.Expected(setup.robots(), setup.maxParallel(), setup.historyEventLimit(),
              setup.childHistorySample(), setup.failLastStage()));
      List<String> failures = new ArrayList<>(checks.failures());
      RolloutStatus expected = setup.failLastStage() ? RolloutStatus.ROLLED_BACK : RolloutStatus.SUCCEEDED;
      if (ended.status() != expected) {
        failures.add(0, "rollout: ended " + ended.status() + ", not " + expected + ": " + ended.reason());
      }
      heap.close();
      return new Result(setup, ended.status(), rolloutSeconds,
          (checks.robotsUpdated() + checks.robotsRolledBack()) / rolloutSeconds, checks,
          (System.nanoTime() - benchStarted) / 1e9, HeapWatch.maxHeapMb(), heap.peakUsedMb(),
          heap.peakLiveAfterGcMb(), failures);
    }
  }

  /**
   * Progress that rides out a registry stalled past its pool's wait for a connection, as H2 was once at 100,000 robots
   * on a loaded machine: the rollout's own registry writes retry through such a stall, and so does watching it.
   */
  private RolloutWatcher.ProgressSource ridingOutStalls(RolloutWatcher.ProgressSource source) {
    return rolloutId -> {
      for (int attempt = 1; ; attempt++) {
        try {
          return source.progress(rolloutId);
        } catch (ConnectionException stalled) {
          if (attempt == STALLED_PROGRESS_ATTEMPTS) {
            throw stalled;
          }
          say("registry busy, asking for progress again: " + stalled.getMessage());
        }
      }
    };
  }

  /**
   * @param robotWorkflowsPerSecond robot update and rollback workflows started, per second of the rollout
   * @param wallSeconds             the whole run: starting the stack, registering the fleet, the rollout, the checks
   * @param peakHeapUsedMb          the most heap in use at any sample (the embedded server's included)
   * @param peakHeapLiveMb          the most heap still live after a collection
   * @param failures                one line per failed check; empty when the run passed
   */
  record Result(Setup setup, RolloutStatus rolloutStatus, double rolloutSeconds, double robotWorkflowsPerSecond,
                InstantRolloutChecks.Result checks, double wallSeconds, double maxHeapMb, double peakHeapUsedMb,
                double peakHeapLiveMb, List<String> failures) {

    boolean passed() {
      return failures.isEmpty();
    }

    String describe() {
      return String.format(Locale.ROOT, """
              instant rollout: %,d robots, maxParallel %d, %s -> %s
              rollout          %.1f s: %,d robot updates + %,d rollbacks = %.1f robot workflows/s
              continue-as-new  %d in the stage loop, %d in the rollback phase (%d runs)
              longest history  %,d events (a run of the rollout); robot workflows: %,d events (%,d of %,d counted)
              in flight        %d robot updates, %d robot workflows at most (%d children pending in one run)
              audit trail      %,d robots with a state recorded twice; %,d of the robot workflows counted retried a task
              heap             -Xmx %.0f MB, peak used %.0f MB, peak live after GC %.0f MB
              wall time        %.1f s
              checks           %s
              """, setup.robots(), setup.maxParallel(), setup.failLastStage() ? "last stage failing" : "all healthy",
          rolloutStatus, rolloutSeconds, checks.robotsUpdated(), checks.robotsRolledBack(), robotWorkflowsPerSecond,
          checks.stageLoopContinuations(), checks.rollbackContinuations(), checks.runs(), checks.longestRunEvents(),
          checks.longestChildEvents(), checks.childrenChecked(), checks.children(), checks.peakUpdatesInFlight(),
          checks.peakRobotsInFlight(), checks.peakPendingChildren(), checks.repeatedRecords(), checks.childrenWithRetriedTasks(), maxHeapMb, peakHeapUsedMb, peakHeapLiveMb,
          wallSeconds, passed() ? "all passed" : failures.size() + " failed");
    }
  }
}
