package io.otaflow.controlplane.api;

import io.otaflow.controlplane.KillSwitch;
import io.otaflow.controlplane.RollbackOrder;
import io.otaflow.controlplane.RolloutService;
import io.otaflow.registry.KillSwitchRecord;
import io.otaflow.rollout.RolloutProgress;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * A person's commands on rollouts and the kill switch, each run as the authenticated user through
 * {@link AuditedCommands} (role checked, audited): the one way both the REST API and the dashboard give them, so
 * the dashboard can do nothing the API would refuse.
 */
@ConditionalOnWebApplication
@Component
public class OperatorCommands {

  private final RolloutService rollouts;
  private final KillSwitch killSwitch;
  private final AuditedCommands commands;

  OperatorCommands(RolloutService rollouts, KillSwitch killSwitch, AuditedCommands commands) {
    this.rollouts = rollouts;
    this.killSwitch = killSwitch;
    this.commands = commands;
  }

  public RolloutProgress pause(String rolloutId, OperatorRequest request) {
    return commands.run(Command.ROLLOUT_PAUSE, rolloutId, request.reason(),
        user -> rollouts.pause(rolloutId, request.toCommand(user)));
  }

  public RolloutProgress resume(String rolloutId, OperatorRequest request) {
    return commands.run(Command.ROLLOUT_RESUME, rolloutId, request.reason(),
        user -> rollouts.resume(rolloutId, request.toCommand(user)));
  }

  public RolloutProgress approve(String rolloutId, OperatorRequest request) {
    return commands.run(Command.ROLLOUT_APPROVE, rolloutId, request.reason(),
        user -> rollouts.approve(rolloutId, request.toCommand(user)));
  }

  public RolloutProgress abort(String rolloutId, OperatorRequest request) {
    return commands.run(Command.ROLLOUT_ABORT, rolloutId, request.reason(),
        user -> rollouts.abort(rolloutId, request.toAbort(user)));
  }

  /** Starts the rollback of a rollout that has ended. */
  public RollbackOrder rollBack(String rolloutId, OperatorRequest request) {
    return commands.run(Command.ROLLOUT_ROLLBACK, rolloutId, request.reason(),
        user -> rollouts.rollBack(rolloutId, request.toCommand(user)));
  }

  /** Stops every unfinished rollout; the switch as it is now (as first turned on, when it was on already). */
  public KillSwitchRecord killSwitchOn(KillSwitchRequest request) {
    return commands.run(Command.KILL_SWITCH_ON, null, request.reason(), user -> killSwitch.turnOn(request.toOn(user)));
  }

  /** Lets rollouts start again; paused ones stay paused until a person resumes them. */
  public KillSwitchRecord killSwitchOff(KillSwitchRequest request) {
    return commands.run(Command.KILL_SWITCH_OFF, null, request.reason(),
        user -> killSwitch.turnOff(request.toOff(user)));
  }
}
