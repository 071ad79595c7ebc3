package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "robots", mixinStandardHelpOptions = true,
    description = "Lists the robots registered with a running control plane: labels, installed version, last seen, "
        + "latest telemetry.")
final class RobotsCommand implements Callable<Integer> {

  private static final String ROW = "%-16s %-12s %-21s %8s %7s  %s%n";

  @Spec
  CommandSpec spec;

  @Mixin
  ControlPlaneOptions controlPlane;

  @Option(names = "--json", description = "Print the robots as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    JsonNode robots = controlPlane.client().get("/api/robots").body();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(robots));
    } else if (robots.isEmpty()) {
      out.println("No robots registered yet: start an agent (otaflow agent).");
    } else {
      out.printf(ROW, "ROBOT", "VERSION", "LAST SEEN", "BATTERY", "TEMP", "LABELS");
      for (JsonNode robot : robots) {
        JsonNode telemetry = robot.path("telemetry");
        out.printf(ROW, robot.path("robotId").asText(), robot.path("installedVersion").asText("-"),
            robot.path("lastSeenAt").asText("-").replaceFirst("\\.\\d+Z$", "Z"),
            telemetry.isObject() ? String.format("%.0f%%", telemetry.path("batteryPercent").asDouble()) : "-",
            telemetry.isObject() ? String.format("%.1fC", telemetry.path("temperatureC").asDouble()) : "-",
            labels(robot.path("labels")));
      }
    }
    out.flush();
    return 0;
  }

  /** Like {@code model=mk2,site=lyon}, as given to {@code otaflow agent --label}. */
  private static String labels(JsonNode labels) {
    List<String> pairs = new ArrayList<>();
    labels.fields().forEachRemaining(label -> pairs.add(label.getKey() + "=" + label.getValue().asText()));
    return pairs.isEmpty() ? "-" : String.join(",", pairs);
  }
}
