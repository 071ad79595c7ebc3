package io.otaflow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otaflow.controlplane.RollbackOrder;
import io.otaflow.rollout.RolloutProgress;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Rollouts on a running control plane; pause, resume, approve and abort are refused when they do not fit, rollback
 * when the rollout has not ended.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = "Starts, watches and steers rollouts on a running control plane (otaflow server).",
    subcommands = {RolloutStartCommand.class, RolloutStatusCommand.class, RolloutRobotsCommand.class,
        RolloutListCommand.class, RolloutEventsCommand.class})
final class RolloutCommand {

  @Spec
  CommandSpec spec;

  /**
   * Which rollout and why: the reason goes to the audit trail with the command, under the user the token belongs to.
   */
  static final class Operator {
    @Parameters(index = "0", paramLabel = "ROLLOUT_ID", description = "The rollout.")
    String rolloutId;

    @Option(names = "--reason", required = true, paramLabel = "TEXT",
        description = "Why (recorded in the audit trail).")
    String reason;

    ObjectNode body() {
      return ControlPlaneClient.JSON.createObjectNode().put("reason", reason);
    }

    /** Where the command goes: {@code /api/v1/rollouts/ID/COMMAND}. */
    String path(String command) {
      return "/api/v1/rollouts/" + ControlPlaneClient.encode(rolloutId) + "/" + command;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pauses a RUNNING rollout: robots updating now finish, no new ones start.")
  int pause(@Mixin Operator operator, @Mixin ControlPlaneOptions controlPlane) {
    return send("pause", operator, operator.body(), controlPlane);
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a PAUSED rollout.")
  int resume(@Mixin Operator operator, @Mixin ControlPlaneOptions controlPlane) {
    return send("resume", operator, operator.body(), controlPlane);
  }

  @Command(name = "approve", mixinStandardHelpOptions = true,
      description = "Approves the next stage of a rollout WAITING_APPROVAL.")
  int approve(@Mixin Operator operator, @Mixin ControlPlaneOptions controlPlane) {
    return send("approve", operator, operator.body(), controlPlane);
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Stops a rollout: robots updating now stop, and every robot it updated is rolled back unless "
          + "--no-rollback.")
  int abort(@Mixin Operator operator, @Mixin ControlPlaneOptions controlPlane,
            @Option(names = "--no-rollback", description = "Leave the robots already updated on the new release.")
            boolean noRollback) {
    return send("abort", operator, operator.body().put("rollback", !noRollback), controlPlane);
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Rolls back a rollout that has ended: every robot it left on its release (committed, or broken off"
          + " after apply) switches back to the release before; robots that moved on to another release since stay."
          + " A rollout that has not ended is aborted instead (abort rolls back).")
  int rollback(@Mixin Operator operator, @Mixin ControlPlaneOptions controlPlane) {
    RollbackOrder order = ControlPlaneClient.read(controlPlane.client()
        .post(operator.path("rollback"), operator.body()).body(), RollbackOrder.class);
    PrintWriter say = spec.commandLine().getOut();
    say.println("Rolling back rollout " + order.rolloutId() + " (release " + order.releaseVersion() + "): "
        + order.robots() + " robots to switch back" + (order.movedOn() == 0 ? ""
        : ", " + order.movedOn() + " moved on to another release since and stay there")
        + "; follow it with otaflow rollout status " + order.rolloutId() + " --watch");
    say.flush();
    return 0;
  }

  private int send(String command, Operator operator, ObjectNode body, ControlPlaneOptions controlPlane) {
    RolloutProgress progress = ControlPlaneClient.read(controlPlane.client()
        .post(operator.path(command), body).body(), RolloutProgress.class);
    PrintWriter say = spec.commandLine().getOut();
    say.println(RolloutStatusCommand.describe(progress));
    say.flush();
    return 0;
  }
}
