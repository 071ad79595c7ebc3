package io.otaflow.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "events", mixinStandardHelpOptions = true,
    description = "Shows a rollout's timeline, oldest first: every status it took, every robot state it recorded and "
        + "every measurement of its stages' analyses (EVENT ANALYSIS, STATUS PASS, FAIL or INCONCLUSIVE).")
final class RolloutEventsCommand extends ListCommand {

  private static final Listing.Table TABLE = new Listing.Table("%-21s %-16s %-16s %-18s %s%n",
      List.of("AT", "ROBOT", "EVENT", "STATUS", "REASON"), event -> List.of(Listing.text(event, "at"),
          Listing.text(event, "robotId"), Listing.text(event, "kind"), Listing.text(event, "status"),
          Listing.text(event, "reason")));

  @Parameters(index = "0", paramLabel = "ROLLOUT_ID", description = "The rollout.")
  String rolloutId;

  @Override
  public Integer call() throws Exception {
    return list("/api/v1/rollouts/" + ControlPlaneClient.encode(rolloutId)
        + "/events", TABLE, "Rollout " + rolloutId + " has no events yet.");
  }
}
