package io.otaflow.cli.chaos;

import io.otaflow.cli.chaos.KillSchedule.Kill;
import io.otaflow.cli.chaos.KillSchedule.Victim;
import io.otaflow.cli.chaos.WorkflowSteps.Step;
import io.otaflow.domain.OtaflowNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * Takes each kill to its moment from the outside and makes it there. The robot is held at the moment until the kill,
 * so that it cannot slip past while the suite waits for its turn: by the suite's hook script (apply, health gate,
 * commit, rollback: agent.yaml runs it around the switch and as a health probe), by the robot's busy lock (safe-state
 * wait), or by freezing its agent ({@code SIGSTOP}) while its download runs. Verify and commit take the robot's agent
 * and the control plane in turns: with the control plane frozen the step before ends; with the agent frozen the
 * control plane schedules the step, which the server hands to the frozen agent's waiting poll; then one of them dies.
 * What Temporal shows at that instant (the robot workflow's pending step, or the rollout's bake timer) is checked and
 * logged with the kill. Restarts follow at once.
 */
final class KillExecutor {

  /** How long a kill waits for its moment to come. */
  private static final Duration PATIENCE = Duration.ofMinutes(4);
  /** How long a step the suite lets happen (the control plane or the agent frozen meanwhile) may take. */
  private static final Duration STEP = Duration.ofSeconds(60);

  /**
   * A kill, the releases its robot goes from and to in the kill's rollout, and the workflow that runs the kill's phase
   * of that rollout (the rollout's own, or the rollback ordered after it ended).
   */
  record Trap(Kill kill, String from, String to, String rolloutWorkflow) {

    String robot() {
      return kill.slot().robot();
    }

    String robotWorkflow() {
      return OtaflowNames.robotWorkflowId(kill.slot().rollout(), robot());
    }
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }

  private final ChaosFleet fleet;
  private final WorkflowSteps temporal;
  private final KillLog log;

  KillExecutor(ChaosFleet fleet, WorkflowSteps temporal, KillLog log) {
    this.fleet = fleet;
    this.temporal = temporal;
    this.log = log;
  }

  /** Prepares the robot before its rollout starts: the hook that will hold it, or its busy lock. */
  void arm(Trap trap) throws IOException {
    RobotHolds.arm(trap, fleet.chaosDir(trap.robot()));
  }

  /** Removes what {@link #arm} left when the kill was not made, so that it cannot hold a later rollout's robot. */
  void disarm(Trap trap) throws IOException {
    RobotHolds.disarm(trap, fleet.chaosDir(trap.robot()));
  }

  /** Waits for the trap's moment, kills its process there, lets the robot go on and starts the process again. */
  void spring(Trap t) throws Exception {
    switch (t.kill().moment()) {
      case DOWNLOAD -> download(t);
      case VERIFY -> verify(t);
      case SAFE_STATE_WAIT -> safeStateWait(t);
      case APPLY, ROLLBACK -> whileHeld(t);
      case HEALTH_GATE -> healthGate(t);
      case COMMIT -> commit(t);
      case BAKE -> bake(t);
    }
  }

  private void download(Trap t) throws Exception {
    Path part = fleet.disk(t.robot()).partialArtifact(t.to());
    Process agent = freezeDownloading(t, part);
    try {
      exclusive(t, () -> {
        kill(t, temporal.pendingDetail(t.robotWorkflow()) + ", " + size(part) + " bytes on disk, agent frozen"
            + " mid-transfer", () -> ChaosFleet.thaw(agent));
      });
    } finally {
      ChaosFleet.thaw(agent);
    }
  }

  private void verify(Trap t) throws Exception {
    Process agent = freezeDownloading(t, fleet.disk(t.robot()).partialArtifact(t.to()));
    handOver(t, agent, () -> ChaosFleet.thaw(agent), "Download", "Verify", "the download ended");
  }

  /** Freezes the robot's agent while its download runs: bytes arrived, the Download step pending. */
  private Process freezeDownloading(Trap t, Path part) throws Exception {
    await(t, "its download to start", PATIENCE, () -> size(part) > 0);
    Process agent = ChaosFleet.freeze(fleet.agent(t.robot()));
    Step step = temporal.step(t.robotWorkflow());
    if (!step.pending("Download") || size(part) == 0) {
      ChaosFleet.thaw(agent);
      throw new AssertionError(t.kill() + ": the download ended before its agent could be frozen: " + step);
    }
    return agent;
  }

  private void safeStateWait(Trap t) throws Exception {
    Predicate<Step> waiting = step -> step.waitingAfter("CheckSafeState");
    expect(t, t.robotWorkflow(), "it to wait for a safe state", PATIENCE, waiting);
    exclusive(t, () -> {
      expect(t, t.robotWorkflow(), "it to wait for a safe state", STEP, waiting);
      kill(t, "waiting for a safe state: CheckSafeState said busy, the timer to ask again runs",
          () -> Files.delete(fleet.chaosDir(t.robot()).resolve("busy")));
    });
  }

  private void whileHeld(Trap t) throws Exception {
    RobotHolds.Hook hold = RobotHolds.hookOf(t).orElseThrow();
    Path held = awaitHeld(t, hold);
    exclusive(t, () -> {
      String step = t.kill().moment() == Moment.APPLY ? pendingIn(t, t.robotWorkflow(), "Apply")
          : rollbackRunning(t);
      kill(t, step + ", held in hook " + hold, () -> Files.delete(held));
    });
  }

  private void healthGate(Trap t) throws Exception {
    RobotHolds.Hook hold = RobotHolds.hookOf(t).orElseThrow();
    Path held = awaitHeld(t, hold);
    if (t.kill().victim() == Victim.AGENT) {
      // The first check passes; the agent dies during the soak, before the second.
      Files.delete(held);
      expect(t, t.robotWorkflow(), "the first health check to pass", STEP, step -> step.waitingAfter("Check"));
      kill(t, "health gate: check 1 of 2 passed, the soak timer runs", () -> { });
      return;
    }
    exclusive(t, () -> kill(t, "health gate: " + pendingIn(t, t.robotWorkflow(), "Check")
        + ", check 1 of 2, held in its probe", () -> Files.delete(held)));
  }

  private void commit(Trap t) throws Exception {
    Path held = awaitHeld(t, RobotHolds.hookOf(t).orElseThrow());
    handOver(t, fleet.agent(t.robot()), () -> Files.delete(held), "Check", "Commit", "both health checks passed");
  }

  /**
   * Kills at a step that follows another at once (verify after download, commit after the last health check): with the
   * control plane frozen, {@code endPrevious} lets the step before end; with the agent frozen, the control plane
   * schedules {@code step}, which the server hands to the frozen agent's waiting poll; then one of the two dies.
   */
  private void handOver(Trap t, Process agent, Action endPrevious, String previous, String step, String observed)
      throws Exception {
    String workflow = t.robotWorkflow();
    fleet.controlPlaneLock().lock();
    Process controlPlane = fleet.controlPlane();
    try {
      ChaosFleet.freeze(controlPlane);
      endPrevious.run();
      expect(t, workflow, previous + " to end, the control plane frozen", STEP,
          s -> s.pending().isEmpty() && previous.equals(s.lastClosed()));
      ChaosFleet.freeze(agent);
      ChaosFleet.thaw(controlPlane);
      expect(t, workflow, "the control plane to schedule " + step, STEP, s -> s.pending(step));
      kill(t, temporal.pendingDetail(workflow) + " handed to the frozen agent, " + observed,
          () -> thaw(agent, controlPlane));
    } finally {
      thaw(agent, controlPlane);
      fleet.controlPlaneLock().unlock();
    }
  }

  private void bake(Trap t) throws Exception {
    int stage = t.kill().slot().stage();
    // Every stage of the scenario's plans bakes, and the rollout's other timers (its checks on silent robots, a
    // restart's retry) run longer or shorter: bake N is the Nth timer of the bake's length.
    Predicate<Step> baking = step -> step.timersStarted(ChaosScenario.BAKE) == stage + 1
        && step.timerPending(ChaosScenario.BAKE);
    expect(t, t.rolloutWorkflow(), "stage " + stage + " to bake", PATIENCE, baking);
    exclusive(t, () -> {
      expect(t, t.rolloutWorkflow(), "stage " + stage + " to bake", STEP, baking);
      kill(t, "stage " + stage + " of " + t.kill().slot().rollout() + " bakes: its robots ended, the bake timer runs",
          () -> { });
    });
  }

  /**
   * Kills the trap's process ({@code kill -9}), lets the robot go on ({@code letGo}: a hold released, a process thawed)
   * and starts the process again: an agent in the background, the control plane before returning.
   */
  private void kill(Trap t, String observed, Action letGo) throws Exception {
    log.killed(t.kill(), observed);
    if (t.kill().victim() == Victim.AGENT) {
      fleet.killAgent(t.robot());
      letGo.run();
      fleet.startAgent(t.robot());
    } else {
      fleet.killControlPlane();
      letGo.run();
      fleet.startControlPlane();
    }
  }

  /** Runs {@code body} holding the control plane for a control-plane kill: nobody else kills or freezes it then. */
  private void exclusive(Trap t, Action body) throws Exception {
    if (t.kill().victim() == Victim.AGENT) {
      body.run();
      return;
    }
    fleet.controlPlaneLock().lock();
    try {
      body.run();
    } finally {
      fleet.controlPlaneLock().unlock();
    }
  }

  private Path awaitHeld(Trap t, RobotHolds.Hook hold) throws Exception {
    Path held = hold.held(fleet.chaosDir(t.robot()));
    await(t, "hook " + hold + " to hold the robot", PATIENCE, () -> Files.exists(held));
    return held;
  }

  private String pendingIn(Trap t, String workflowId, String type) throws Exception {
    expect(t, workflowId, type + " to be pending", STEP, step -> step.pending(type));
    return temporal.pendingDetail(workflowId) + " in " + workflowId;
  }

  /** A rollback runs in the robot's own workflow (after a failed health gate) or for its rollout (a rollback phase). */
  private String rollbackRunning(Trap t) throws Exception {
    String queue = OtaflowNames.robotTaskQueue(t.robot());
    List<String> candidates = List.of(t.robotWorkflow(), t.rolloutWorkflow(),
        OtaflowNames.robotRollbackWorkflowId(t.kill().slot().rollout(), t.robot()));
    String[] where = new String[1];
    await(t, "a Rollback of " + t.robot() + " to be pending", STEP, () -> {
      for (String workflowId : candidates) {
        if (temporal.step(workflowId).pendingOn("Rollback", queue)) {
          where[0] = workflowId;
          return true;
        }
      }
      return false;
    });
    return "Rollback of " + t.robot() + " pending in " + where[0];
  }

  private Step expect(Trap t, String workflowId, String what, Duration patience, Predicate<Step> condition)
      throws Exception {
    Step[] last = {Step.NOT_STARTED};
    await(t, what + " (" + workflowId + ")", patience, () -> condition.test(last[0] = temporal.step(workflowId)));
    return last[0];
  }

  /** Polls {@code condition}; fails when it does not hold in time, or when the rollout ended without it. */
  private void await(Trap t, String what, Duration patience, Condition condition) throws Exception {
    long start = System.nanoTime();
    long lastRolloutCheck = start;
    while (!condition.holds()) {
      long now = System.nanoTime();
      if (now - start > patience.toNanos()) {
        throw new AssertionError(t.kill() + ": gave up after " + patience.toSeconds() + " s waiting for " + what
            + "; " + t.robotWorkflow() + ": " + temporal.step(t.robotWorkflow()));
      }
      if (now - lastRolloutCheck > Duration.ofSeconds(2).toNanos()) {
        lastRolloutCheck = now;
        if (temporal.step(t.rolloutWorkflow()).closed() && !condition.holds()) {
          throw new AssertionError(t.kill() + ": the rollout ended before " + what + "; " + t.robotWorkflow() + ": "
              + temporal.step(t.robotWorkflow()));
        }
      }
      Thread.sleep(100);
    }
  }

  private static void thaw(Process... processes) throws IOException, InterruptedException {
    for (Process process : processes) {
      ChaosFleet.thaw(process);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException gone) {
      return 0;
    }
  }
}
