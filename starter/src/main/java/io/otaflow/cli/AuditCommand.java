package io.otaflow.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Shows the audit trail, newest first: every command people gave (who, with which role, what, on "
        + "what, why) and what became of it, accepted or refused.")
final class AuditCommand extends ListCommand {

  private static final Listing.Table TABLE = new Listing.Table("%-21s %-12s %-16s %-17s %-16s %-24s %s%n",
      List.of("AT", "USER", "ROLE", "ACTION", "TARGET", "REASON", "RESULT"), row -> List.of(
          Listing.text(row, "recordedAt"), Listing.text(row, "user"), Listing.text(row, "role"),
          Listing.text(row, "action"), Listing.text(row, "targetId"), Listing.text(row, "reason"),
          Listing.text(row, "result")));

  @Option(names = "--rollout", paramLabel = "ROLLOUT_ID", description = "Only commands on this rollout.")
  String rolloutId;

  @Option(names = "--user", paramLabel = "USER", description = "Only commands by this user.")
  String user;

  @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Only commands of the last DURATION (30m, 1h, 7d).")
  Duration since;

  @Override
  public Integer call() throws Exception {
    String path = "/api/v1/audit?" + Listing.param("rollout", rolloutId) + Listing.param("user", user)
        + Listing.param("since", since == null ? null : Clock.systemUTC().instant().minus(since).toString());
    return list(path, TABLE, "No command recorded matches.");
  }
}
