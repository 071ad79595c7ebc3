package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "robots", mixinStandardHelpOptions = true,
    description = "Lists the robots registered with a running control plane: labels, installed version, last seen, "
        + "latest telemetry; `robots show ROBOT` shows one with its latest rollouts.")
final class RobotsCommand extends ListCommand {

  private static final Listing.Table TABLE = new Listing.Table("%-16s %-12s %-21s %8s %7s  %s%n",
      List.of("ROBOT", "VERSION", "LAST SEEN", "BATTERY", "TEMP", "LABELS"), RobotsCommand::row);
  private static final String ROLLOUT_ROW = "  %-16s %-12s %-16s %-16s %s%n";

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Robots carrying this label; repeat for more.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--release", paramLabel = "VERSION", description = "Robots running this release.")
  String version;

  @Override
  public Integer call() throws Exception {
    StringBuilder path = new StringBuilder("/api/v1/robots?");
    labels.forEach((key, value) -> path.append(Listing.param("label", key + "=" + value)));
    path.append(Listing.param("version", version));
    return list(path.toString(), TABLE, "No robots registered"
        + (labels.isEmpty() && version == null ? " yet: start an agent (otaflow agent)." : " match."));
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows one robot: installed version, last seen, telemetry, labels, its latest rollouts and the "
          + "releases installed on it offline.")
  int show(@Parameters(paramLabel = "ROBOT_ID", description = "The robot.") String robotId,
           @Option(names = "--json", description = "Print it as JSON.") boolean json,
           @Mixin ControlPlaneOptions robotServer) throws Exception {
    JsonNode detail = robotServer.client().get("/api/v1/robots/" + ControlPlaneClient.encode(robotId)).body();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(detail));
    } else {
      JsonNode robot = detail.path("robot");
      List<String> row = row(robot);
      out.println("robot " + row.get(0) + ": release " + row.get(1) + ", last seen " + row.get(2) + ", battery "
          + row.get(3) + ", temperature " + row.get(4) + ", labels " + row.get(5));
      out.println("  agent " + Listing.text(robot, "agentVersion") + ", registered " + Listing.text(robot,
          "registeredAt"));
      JsonNode rollouts = detail.path("lastRollouts");
      if (rollouts.isEmpty()) {
        out.println("  no rollout has included it yet");
      } else {
        out.printf(ROLLOUT_ROW, "ROLLOUT", "RELEASE", "ROLLOUT STATUS", "ROBOT STATE", "REASON");
        rollouts.forEach(rollout -> out.printf(ROLLOUT_ROW, Listing.text(rollout, "rolloutId"),
            Listing.text(rollout, "releaseVersion"), Listing.text(rollout, "rolloutStatus"),
            Listing.text(rollout, "state"), Listing.text(rollout, "reason")));
      }
      detail.path("versionHistory").forEach(change -> out.println("  " + Listing.text(change, "changedAt") + " "
          + Listing.text(change, "source") + ": " + Listing.text(change, "previousVersion") + " -> "
          + Listing.text(change, "version") + " (" + Listing.text(change, "outcome") + ": "
          + Listing.text(change, "detail") + ")"));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static List<String> row(JsonNode robot) {
    JsonNode telemetry = robot.path("telemetry");
    return List.of(robot.path("robotId").asText(), Listing.text(robot, "installedVersion"),
        Listing.text(robot, "lastSeenAt"),
        telemetry.isObject() ? String.format("%.0f%%", telemetry.path("batteryPercent").asDouble()) : "-",
        telemetry.isObject() ? String.format("%.1fC", telemetry.path("temperatureC").asDouble()) : "-",
        labels(robot.path("labels")));
  }

  /** Like {@code model=mk2,site=lyon}, as given to {@code otaflow agent --label}. */
  private static String labels(JsonNode labels) {
    List<String> pairs = new ArrayList<>();
    labels.fields().forEachRemaining(label -> pairs.add(label.getKey() + "=" + label.getValue().asText()));
    return pairs.isEmpty() ? "-" : String.join(",", pairs);
  }
}
