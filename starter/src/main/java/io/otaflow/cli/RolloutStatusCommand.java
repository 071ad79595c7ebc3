package io.otaflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otaflow.controlplane.api.RolloutProgressView;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.registry.FailureReason;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.StageProgress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Shows a rollout's status, stages, robot counts and the commonest reasons robots are not committed.",
        "With --watch, shows its progress until it ends; exits 0 only if it SUCCEEDED (5 if it ended otherwise)."})
final class RolloutStatusCommand implements Callable<Integer> {

  /** Long bakes and approvals can keep a rollout going for weeks; Ctrl-C stops the watching, not the rollout. */
  private static final Duration WATCH_LIMIT = Duration.ofDays(60);

  @Spec
  CommandSpec spec;

  @Mixin
  ControlPlaneOptions controlPlane;

  @Parameters(index = "0", paramLabel = "ROLLOUT_ID", description = "The rollout.")
  String rolloutId;

  @Option(names = "--watch", description = "Show progress until the rollout ends.")
  boolean watch;

  @Option(names = "--json", description = "Print the progress as JSON (after the end, with --watch).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ControlPlaneClient client = controlPlane.client();
    if (watch) {
      return watch(client, rolloutId, json, spec.commandLine().getOut());
    }
    print(client.status(rolloutId), json, spec.commandLine().getOut());
    return 0;
  }

  /** Shows progress on stdout until the rollout ends, then its final state; 0 only on SUCCEEDED. */
  static int watch(ControlPlaneClient client, String rolloutId, boolean json, PrintWriter out) throws Exception {
    // The bar or progress lines go to stdout unless the answer must be pure JSON.
    RolloutWatcher watcher = new RolloutWatcher(client::progress, json ? null : System.out);
    RolloutProgress result = watcher.await(rolloutId, WATCH_LIMIT);
    print(client.status(rolloutId), json, out);
    return result.status() == RolloutStatus.SUCCEEDED ? ExitCodes.OK : ExitCodes.ROLLOUT_NOT_SUCCEEDED;
  }

  static void print(RolloutProgressView status, boolean json, PrintWriter out) throws JsonProcessingException {
    out.println(json ? ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status)
        : describe(status));
    out.flush();
  }

  /** {@link #describe(RolloutProgress)}, then how many robots are not COMMITTED for each of the commonest reasons. */
  static String describe(RolloutProgressView status) {
    StringBuilder text = new StringBuilder(describe(status.progress()));
    if (!status.failureReasons().isEmpty()) {
      text.append("\n  robots not committed, by reason (otaflow rollout robots ").append(status.progress().rolloutId())
          .append(" --state STATE lists them):");
      for (FailureReason failure : status.failureReasons()) {
        text.append(String.format("%n  %6d %-16s %s", failure.robots(), failure.state(), failure.reason()));
      }
    }
    return text.toString();
  }

  /** Several lines: the summary, the reason if any, one line per stage, one per check of an analysis running. */
  static String describe(RolloutProgress progress) {
    StringBuilder text = new StringBuilder("rollout ").append(progress.rolloutId()).append(" (release ")
        .append(progress.releaseVersion()).append("): ").append(RolloutWatcher.summary(progress));
    if (progress.reason() != null) {
      text.append("\n  reason: ").append(progress.reason());
    }
    for (int i = 0; i < progress.stages().size(); i++) {
      StageProgress stage = progress.stages().get(i);
      text.append(String.format("%n  %s stage %d %-10s %d robots, %d finished, %d committed (needs %.0f%%)",
          i == progress.stageIndex() ? ">" : " ", i + 1, stage.name(), stage.size(), stage.finished(),
          stage.committed(), stage.minHealthy() * 100));
    }
    progress.analysis().forEach(check -> text.append("\n  analysis ").append(check));
    return text.toString();
  }
}
