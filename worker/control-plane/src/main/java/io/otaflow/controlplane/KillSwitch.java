package io.otaflow.controlplane;

import static net.logstash.logback.argument.StructuredArguments.value;

import io.otaflow.registry.KillSwitchRecord;
import io.otaflow.registry.KillSwitchRepository;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.rollout.OperatorCommand;
import io.otaflow.rollout.RolloutWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet-wide kill switch. Turning it on stores it first, then signals every unfinished rollout, whose workflow
 * pauses itself and stops its robots; {@link RegistryReconciler} signals them again every minute while it is on, so
 * neither a crash between storing and signalling nor a control-plane restart loses it (a repeated signal changes
 * nothing). Turning it off resumes nothing: a person resumes each paused rollout.
 */
public class KillSwitch {

  private static final Logger log = LoggerFactory.getLogger(KillSwitch.class);

  private final KillSwitchRepository stored;
  private final RolloutRepository rollouts;
  private final WorkflowClient client;

  public KillSwitch(KillSwitchRepository stored, RolloutRepository rollouts, WorkflowClient client) {
    this.stored = stored;
    this.rollouts = rollouts;
    this.client = client;
  }

  public KillSwitchRecord state() {
    return stored.state();
  }

  /** Every change, newest first. */
  public List<KillSwitchRecord> history() {
    return stored.history();
  }

  /**
   * Turns it on (when on already, who, why and since stay those of the first) and signals every unfinished rollout.
   * A failure to reach Temporal is thrown after the switch is stored: the reconciler signals again.
   *
   * @return the switch as it is now
   */
  public KillSwitchRecord turnOn(OperatorCommand command) {
    KillSwitchRecord state = stored.set(true, command.by(), command.reason());
    int told = signalUnfinishedRollouts();
    log.warn("kill switch {}: {} unfinished rollouts told to pause", state.describe(), value("rollouts", told));
    return state;
  }

  /** Turns it off; paused rollouts stay paused until a person resumes them. */
  public KillSwitchRecord turnOff(OperatorCommand command) {
    KillSwitchRecord state = stored.set(false, command.by(), command.reason());
    log.warn("kill switch {}", state.describe());
    return state;
  }

  /**
   * @param refused what the switch forbids, like {@code no rollout may start}
   * @throws KillSwitchOnException while it is on, naming who turned it on, why and since when
   */
  public void requireOff(String refused) {
    KillSwitchRecord state = stored.state();
    if (state.on()) {
      throw new KillSwitchOnException(state, refused);
    }
  }

  /** While it is on, signals every unfinished rollout's workflow (again); returns how many were there to be told. */
  public int signalUnfinishedRollouts() {
    KillSwitchRecord state = stored.state();
    if (!state.on()) {
      return 0;
    }
    int told = 0;
    for (RolloutRecord rollout : rollouts.unfinishedRollouts()) {
      if (signal(rollout.workflowId(), state)) {
        told++;
      }
    }
    return told;
  }

  /**
   * Signals a workflow that has just started if the switch is on: one started while the switch went on may have been
   * missed by {@link #turnOn}, which found its rollout recorded but its workflow not started yet.
   */
  void signalIfOn(String workflowId) {
    KillSwitchRecord state = stored.state();
    if (state.on()) {
      signal(workflowId, state);
    }
  }

  /** False when Temporal knows no such workflow running: it ended meanwhile, or has not started yet. */
  private boolean signal(String workflowId, KillSwitchRecord state) {
    try {
      client.newWorkflowStub(RolloutWorkflow.class, workflowId)
          .killSwitch(new OperatorCommand(state.operator(), state.reason()));
      log.debug("kill switch signalled to {}", workflowId);
      return true;
    } catch (WorkflowNotFoundException gone) {
      return false;
    }
  }
}
