package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otaflow.plan.TargetSelector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Starts a rollout of a registered release on a running control plane.",
        "The plan file is YAML or JSON (see deploy/examples/plan.yaml); durations like 30s, 10m, 1h or ISO-8601 (PT1H30M).",
        "With --watch, shows its progress until it ends; exits 0 only if it SUCCEEDED (5 if it ended otherwise)."})
final class RolloutStartCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ControlPlaneOptions controlPlane;

  @Option(names = "--id", required = true, paramLabel = "ROLLOUT_ID", description = "A new rollout ID.")
  String rolloutId;

  @Option(names = "--release", required = true, paramLabel = "VERSION", description = "The release to roll out.")
  String release;

  @Option(names = "--plan", required = true, paramLabel = "FILE", description = "Plan file (YAML or JSON).")
  Path plan;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Which robots: exactly one way of saying it, so that the whole fleet is never targeted by omission. */
  static final class Target {
    @Option(names = "--target", paramLabel = "LABEL=VALUE", required = true,
        description = "Robots carrying every given label; repeat for more.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--robot", paramLabel = "ROBOT_ID", required = true, description = "A robot; repeat for more.")
    List<String> robotIds = new ArrayList<>();

    @Option(names = "--all", required = true, description = "The whole fleet.")
    boolean all;
  }

  @Option(names = "--watch", description = "Show progress until the rollout ends.")
  boolean watch;

  @Override
  public Integer call() throws Exception {
    ObjectNode body = ControlPlaneClient.JSON.createObjectNode();
    body.put("rolloutId", rolloutId);
    body.put("releaseVersion", release);
    body.set("plan", readPlan());
    ObjectNode selector = body.putObject("target");
    selector.set("labels", ControlPlaneClient.JSON.valueToTree(target.labels));
    selector.set("robotIds", ControlPlaneClient.JSON.valueToTree(target.robotIds));
    ControlPlaneClient client = controlPlane.client();
    client.post("/api/v1/rollouts", body);
    PrintWriter say = spec.commandLine().getOut();
    say.println("Started rollout " + rolloutId + " of release " + release + " to "
        + new TargetSelector(target.labels, target.robotIds));
    say.flush();
    return watch ? RolloutStatusCommand.watch(client, rolloutId, false, say) : 0;
  }

  private JsonNode readPlan() {
    try {
      return PlanFile.tree(plan);
    } catch (IllegalArgumentException unreadable) {
      throw new ParameterException(spec.commandLine(), unreadable.getMessage());
    }
  }
}
