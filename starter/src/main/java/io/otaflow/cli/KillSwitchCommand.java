package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otaflow.registry.KillSwitchRecord;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The fleet-wide kill switch on a running control plane. */
@Command(name = "killswitch", mixinStandardHelpOptions = true,
    description = {"Stops every rollout of the fleet at once, and keeps rollouts from starting until it is turned off.",
        "While it is on, unfinished rollouts pause and stop their robots, and no rollout starts, resumes or has a stage"
            + " approved; abort and rollback still work."})
final class KillSwitchCommand {

  @Spec
  CommandSpec spec;

  @Command(name = "on", mixinStandardHelpOptions = true,
      description = "Turns the kill switch on (admins only): every unfinished rollout pauses and stops its robots.")
  int on(@Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why.") String reason,
         @Mixin ControlPlaneOptions controlPlane) {
    return turn("on", reason, controlPlane, "unfinished rollouts pause, and none starts, resumes or has a"
        + " stage approved until it is off");
  }

  @Command(name = "off", mixinStandardHelpOptions = true,
      description = "Turns the kill switch off: rollouts may start again; paused ones wait for a person to resume.")
  int off(@Option(names = "--reason", paramLabel = "TEXT", description = "Why (optional).") String reason,
          @Mixin ControlPlaneOptions controlPlane) {
    return turn("off", reason, controlPlane, "rollouts may start; paused ones stay paused until a person"
        + " resumes them (otaflow rollout resume ID)");
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Shows whether the kill switch is on, who set it so, why and since when.")
  int status(@Option(names = "--json", description = "Print it as JSON.") boolean json,
             @Mixin ControlPlaneOptions controlPlane) throws Exception {
    JsonNode state = controlPlane.client().get("/api/v1/killswitch").body();
    return say(json ? ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state)
        : "Kill switch is " + ControlPlaneClient.read(state, KillSwitchRecord.class).describe());
  }

  /** Prints the switch as the control plane answers it, then what that means. */
  private int turn(String position, String reason, ControlPlaneOptions controlPlane, String meaning) {
    ObjectNode body = ControlPlaneClient.JSON.createObjectNode().put("reason", reason);
    KillSwitchRecord state = ControlPlaneClient.read(controlPlane.client().post("/api/v1/killswitch/" + position, body)
        .body(), KillSwitchRecord.class);
    return say("Kill switch is " + state.describe() + ": " + meaning);
  }

  private int say(String text) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(text);
    out.flush();
    return 0;
  }
}
