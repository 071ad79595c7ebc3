package io.otaflow.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists rollouts, newest first: release, status, stage and why.")
final class RolloutListCommand extends ListCommand {

  private static final Listing.Table TABLE = new Listing.Table("%-16s %-12s %-17s %-10s %-21s %s%n",
      List.of("ROLLOUT", "RELEASE", "STATUS", "STAGE", "CREATED", "REASON"), rollout -> List.of(
          Listing.text(rollout, "rolloutId"), Listing.text(rollout, "releaseVersion"), Listing.text(rollout, "status"),
          Listing.text(rollout, "stage"), Listing.text(rollout, "createdAt"), Listing.text(rollout, "reason")));

  @Option(names = "--status", paramLabel = "STATUS", split = ",",
      description = "Only rollouts in this status (RUNNING, PAUSED, WAITING_APPROVAL, SUCCEEDED, FAILED...); repeat "
          + "or separate with commas for more.")
  List<String> statuses = new ArrayList<>();

  @Option(names = "--release", paramLabel = "VERSION", description = "Only rollouts of this release.")
  String release;

  @Override
  public Integer call() throws Exception {
    StringBuilder path = new StringBuilder("/api/v1/rollouts?");
    statuses.forEach(status -> path.append(Listing.param("status", status)));
    path.append(Listing.param("release", release));
    return list(path.toString(), TABLE, "No rollout matches.");
  }
}
