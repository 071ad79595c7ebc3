package io.otaflow.cli;

import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Checks a rollout plan file offline, as the control plane checks it before a rollout starts.",
        "Exit codes: 0 valid, 2 invalid (one line on stderr naming the field)."})
final class PlanValidateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "Plan file (YAML or JSON).")
  Path file;

  @Override
  public Integer call() {
    RolloutPlan plan;
    try {
      plan = PlanFile.read(file);
    } catch (IllegalArgumentException invalid) {
      spec.commandLine().getErr().println("otaflow: " + invalid.getMessage());
      return ExitCodes.BAD_INPUT;
    }
    spec.commandLine().getOut().println(file + ": valid; " + describe(plan));
    return 0;
  }

  /** Like {@code 3 stages (canary: 1 robot, half: 50%, everyone: 100%), maxParallel 10, onFailure ROLLBACK_ALL}. */
  private static String describe(RolloutPlan plan) {
    String stages = plan.stages().stream().map(PlanValidateCommand::describe).collect(Collectors.joining(", "));
    return plan.stages().size() + " stages (" + stages + "), maxParallel " + plan.maxParallel() + ", onFailure "
        + plan.onFailure() + (plan.fourEyesApproval() ? ", four-eyes approval" : "");
  }

  private static String describe(StagePlan stage) {
    String size = stage.count() != null ? stage.count() + (stage.count() == 1 ? " robot" : " robots")
        : stage.percent() + "%";
    String analysis = stage.analysis() == null ? "" : ", analysis " + stage.analysis().checks().stream()
        .map(check -> check.name() + " " + check.successCondition() + " x" + check.count())
        .collect(Collectors.joining(" and "));
    return stage.name() + ": " + size + (stage.approval() ? ", approval" : "") + analysis;
  }
}
