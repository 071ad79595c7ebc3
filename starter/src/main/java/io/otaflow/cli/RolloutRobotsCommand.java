package io.otaflow.cli;

import io.otaflow.controlplane.api.RolloutRobotView;
import io.otaflow.controlplane.api.RolloutRobotsPage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "robots", mixinStandardHelpOptions = true,
    description = "Lists a rollout's robots by robot ID: each one's stage, state and the reason it is there.")
final class RolloutRobotsCommand implements Callable<Integer> {

  /** The most robots the REST API hands out at once. */
  private static final int PAGE_SIZE = 1_000;
  private static final String ROW = "%-16s %-10s %-16s %s%n";

  @Spec
  CommandSpec spec;

  @Mixin
  ControlPlaneOptions controlPlane;

  @Parameters(index = "0", paramLabel = "ROLLOUT_ID", description = "The rollout.")
  String rolloutId;

  @Option(names = "--state", paramLabel = "STATE",
      description = "Only robots in this state (FAILED, ROLLED_BACK, ROLLBACK_FAILED, OFFLINE...); repeat for more.")
  List<String> states = new ArrayList<>();

  @Option(names = "--limit", paramLabel = "N", description = "At most N robots (default: every one).")
  Integer limit;

  @Option(names = "--json", description = "Print {rolloutId, robots, next} as JSON; next is null unless --limit "
      + "left robots out.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit != null && limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be at least 1, not " + limit);
    }
    ControlPlaneClient client = controlPlane.client();
    PrintWriter out = spec.commandLine().getOut();
    int wanted = limit == null ? Integer.MAX_VALUE : limit;
    int listed = 0;
    List<RolloutRobotView> forJson = new ArrayList<>();
    String next = null;
    do {
      RolloutRobotsPage page = client.robots(rolloutId, states, next, Math.min(PAGE_SIZE, wanted - listed));
      if (json) {
        forJson.addAll(page.robots());
      } else {
        printRows(out, listed == 0, page.robots());
      }
      listed += page.robots().size();
      next = page.next();
    } while (next != null && listed < wanted);
    if (json) {
      out.println(ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(new RolloutRobotsPage(rolloutId, forJson, next)));
    } else if (listed == 0) {
      out.println("Rollout " + rolloutId + " has no robots" + (states.isEmpty() ? "" : " in " + states) + ".");
    } else if (next != null) {
      out.println("(" + listed + " shown; more after " + next + ")");
    }
    out.flush();
    return 0;
  }

  private static void printRows(PrintWriter out, boolean withHeader, List<RolloutRobotView> robots) {
    if (withHeader && !robots.isEmpty()) {
      out.printf(ROW, "ROBOT", "STAGE", "STATE", "REASON");
    }
    for (RolloutRobotView robot : robots) {
      out.printf(ROW, robot.robotId(), robot.stage() == null ? "-" : robot.stage(), robot.state(),
          robot.reason() == null ? "-" : robot.reason());
    }
  }
}
