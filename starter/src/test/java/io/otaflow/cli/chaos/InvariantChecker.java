package io.otaflow.cli.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.cli.chaos.ChaosScenario.Rollout;
import io.otaflow.cli.chaos.WorkflowSteps.Activity;
import io.otaflow.cli.chaos.WorkflowSteps.Step;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.robot.RobotDisk;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robotupdate.RobotUpdateResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What must hold after the chaos, each violation a failure of the build. Reads the robots' disks, the registry
 * through the REST API and Temporal's histories, and counts every check it makes.
 */
final class InvariantChecker {

  static final String ENDED = "every rollout reached a final status in time, the same in Temporal and the registry";
  static final String AS_EXPECTED = "every rollout ended as the scenario expects";
  static final String REFUSED = "a rollout over robots of running rollouts is refused and never runs";
  static final String LEFT_RELEASE = "no robot of a ROLLED_BACK rollout is on its release when it ends";
  static final String DISK = "every robot's current link is on a complete slot of its registry version";
  static final String ONE_AT_A_TIME = "no robot was held by two rollouts at once (Temporal's timeline)";
  static final String ROBOT_REFUSALS = "no robot refused a step of another rollout (agent logs)";
  static final String ROWS = "every robot's registry state is its workflows' result";

  private final Map<String, Integer> checks = new LinkedHashMap<>();
  private final List<String> violations = new ArrayList<>();

  private synchronized void check(String invariant, boolean holds, String violation) {
    checks.merge(invariant, 1, Integer::sum);
    if (!holds) {
      violations.add(invariant + ": " + violation);
    }
  }

  /** @param ended the rollout workflow's final status, or null when it did not end in time */
  void rolloutEnded(Rollout rollout, RolloutStatus ended, String registryStatus) {
    check(ENDED, ended != null && ended.isFinal() && ended.name().equals(registryStatus), rollout.id()
        + ": workflow " + (ended == null ? "did not end in time" : ended) + ", registry " + registryStatus);
    check(AS_EXPECTED, ended == rollout.expected(), rollout.id() + " ended " + ended + ", expected "
        + rollout.expected());
  }

  void overlappingStartRefused(String rolloutId, ChaosApi.Answer answer, WorkflowSteps temporal) {
    check(REFUSED, answer.status() == 409 && !temporal.step(OtaflowNames.rolloutWorkflowId(rolloutId)).started(),
        rolloutId + ": HTTP " + answer.status() + " " + answer.body());
  }

  /** Right after a rollout ended ROLLED_BACK: none of its robots runs its release, on disk or in the registry. */
  void leftNoRobotOnItsRelease(Rollout rollout, ChaosFleet fleet, ChaosApi api) throws Exception {
    Map<String, String> registry = installedVersions(api);
    for (String robot : rollout.robots()) {
      String disk = version(fleet.disk(robot).current());
      check(LEFT_RELEASE, !rollout.release().equals(disk) && !rollout.release().equals(registry.get(robot)),
          rollout.id() + "/" + robot + " runs " + disk + ", registry says " + registry.get(robot));
    }
  }

  /** {@code current} links a slot holding exactly the release's files, the registry's and state.json's version. */
  void disksMatchRegistry(ChaosFleet fleet, ChaosApi api, Map<String, Path> releaseTrees) throws Exception {
    Map<String, String> registry = installedVersions(api);
    for (String robot : fleet.robots()) {
      RobotDisk disk = fleet.disk(robot);
      Path slot = disk.current().resolveSibling(Files.readSymbolicLink(disk.current())).normalize();
      String version = version(disk.current());
      RobotDiskState state = disk.readState();
      Path release = releaseTrees.get(version);
      boolean holds = slot.equals(disk.slot(state.activeSlot())) && release != null && sameTree(slot, release)
          && version.equals(registry.get(robot)) && version.equals(state.installedVersion())
          && state.updatingRollout() == null && state.rollingBackFrom() == null;
      check(DISK, holds, robot + ": current -> " + slot + " holding " + version + " ("
          + (release != null && sameTree(slot, release) ? "complete" : "not that release's files") + "); registry "
          + registry.get(robot) + "; state.json " + state);
    }
  }

  /**
   * From Temporal's own clock: for each robot, the span from the start of a rollout's workflow for it to the end of its
   * last rollback there (its robot workflow, the rollout's Rollback steps on the robot's queue, a robot rollback
   * workflow) never overlaps another rollout's span. A lease that let two rollouts at one robot would show here even
   * when the robot happened to refuse the second.
   */
  void oneRolloutAtATime(List<Rollout> rollouts, List<String> robots, WorkflowSteps temporal) {
    for (String robot : robots) {
      List<Span> spans = new ArrayList<>();
      for (Rollout rollout : rollouts) {
        if (rollout.robots().contains(robot)) {
          span(rollout.id(), robot, temporal).ifPresent(spans::add);
        }
      }
      spans.sort(Comparator.comparing(Span::start));
      String overlap = null;
      for (int i = 1; i < spans.size() && overlap == null; i++) {
        if (spans.get(i).start().isBefore(spans.get(i - 1).end())) {
          overlap = spans.get(i) + " began before " + spans.get(i - 1) + " ended";
        }
      }
      check(ONE_AT_A_TIME, overlap == null, robot + ": " + overlap);
    }
  }

  private record Span(String rollout, Instant start, Instant end) {
  }

  private static Optional<Span> span(String rolloutId, String robot, WorkflowSteps temporal) {
    List<Instant[]> parts = new ArrayList<>();
    for (String workflowId : List.of(OtaflowNames.robotWorkflowId(rolloutId, robot),
        OtaflowNames.robotRollbackWorkflowId(rolloutId, robot))) {
      Step step = temporal.step(workflowId);
      if (step.started()) {
        parts.add(new Instant[] {step.start(), step.closed() ? step.end() : Instant.MAX});
      }
    }
    for (Activity rollback : rollbacks(temporal.step(OtaflowNames.rolloutWorkflowId(rolloutId)), robot)) {
      parts.add(new Instant[] {rollback.scheduled(), rollback.closed() == null ? Instant.MAX : rollback.closed()});
    }
    return parts.stream().reduce((a, b) -> new Instant[] {min(a[0], b[0]), max(a[1], b[1])})
        .map(hull -> new Span(rolloutId, hull[0], hull[1]));
  }

  /** The robots' own word: a robot refuses another rollout's step while one's update is in progress, and logs it. */
  void robotsNeverRefusedAnotherRollout(ChaosFleet fleet) throws IOException {
    for (String robot : fleet.robots()) {
      String refusal = fleet.agentLogs(robot).lines().filter(line -> line.contains("is in the middle of rollout"))
          .findFirst().orElse(null);
      check(ROBOT_REFUSALS, refusal == null, robot + ": " + refusal);
    }
  }

  /**
   * The registry's state of each robot in each rollout is what Temporal says happened last: the result of its
   * robot workflow, unless the rollout switched it back afterwards (its Rollback step on the robot, or a robot
   * rollback workflow): ROLLED_BACK when that succeeded, ROLLBACK_FAILED when not. A robot no workflow ran for is
   * PENDING. Rows may be written twice (a retried registry write), never lost.
   */
  void registryMatchesWorkflows(List<Rollout> rollouts, WorkflowSteps temporal, ChaosApi api) throws Exception {
    for (Rollout rollout : rollouts) {
      Map<String, String> rows = new HashMap<>();
      ChaosApi.Answer answer = api.get("/api/v1/rollouts/" + rollout.id() + "/robots?limit=1000");
      if (answer.status() == 200) {
        answer.body().get("robots").forEach(row -> rows.put(row.get("robotId").asText(), row.get("state").asText()));
      }
      Step rolloutStep = temporal.step(OtaflowNames.rolloutWorkflowId(rollout.id()));
      for (String robot : rollout.robots()) {
        String expected = lastOutcome(rollout.id(), robot, rolloutStep, temporal);
        check(ROWS, expected.equals(rows.get(robot)), rollout.id() + "/" + robot + ": registry "
            + (rows.containsKey(robot) ? rows.get(robot) : "has no row") + ", Temporal " + expected);
      }
    }
  }

  private static String lastOutcome(String rolloutId, String robot, Step rolloutStep, WorkflowSteps temporal)
      throws Exception {
    String update = OtaflowNames.robotWorkflowId(rolloutId, robot);
    if (!temporal.step(update).started()) {
      return "PENDING";
    }
    String outcome = temporal.result(update, RobotUpdateResult.class, Duration.ofSeconds(10)).outcome().name();
    List<Activity> rollbacks = rollbacks(rolloutStep, robot);
    if (!rollbacks.isEmpty()) {
      outcome = "completed".equals(rollbacks.get(rollbacks.size() - 1).outcome()) ? "ROLLED_BACK" : "ROLLBACK_FAILED";
    }
    String rollbackWorkflow = OtaflowNames.robotRollbackWorkflowId(rolloutId, robot);
    if (temporal.step(rollbackWorkflow).started()) {
      JsonNode result = temporal.result(rollbackWorkflow, JsonNode.class, Duration.ofSeconds(10));
      outcome = result.path("outcome").asText(outcome);
    }
    return outcome;
  }

  private static List<Activity> rollbacks(Step rolloutStep, String robot) {
    String queue = OtaflowNames.robotTaskQueue(robot);
    return rolloutStep.activities().stream()
        .filter(activity -> activity.type().equals("Rollback") && activity.taskQueue().equals(queue)).toList();
  }

  private static Map<String, String> installedVersions(ChaosApi api) throws InterruptedException {
    Map<String, String> versions = new HashMap<>();
    api.json("/api/v1/robots?limit=1000").get("items").forEach(robot -> versions.put(robot.get("robotId").asText(),
        robot.path("installedVersion").asText(null)));
    return versions;
  }

  static String version(Path releaseDir) throws IOException {
    return Files.readString(releaseDir.resolve("VERSION")).trim();
  }

  /** The same files (paths, bytes, executable bits) and directories under both. */
  private static boolean sameTree(Path a, Path b) {
    try {
      Set<String> files = entries(a);
      if (!files.equals(entries(b))) {
        return false;
      }
      for (String file : files) {
        Path x = a.resolve(file);
        Path y = b.resolve(file);
        if (Files.isRegularFile(x) && (Files.mismatch(x, y) != -1 || Files.isExecutable(x) != Files.isExecutable(y))) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Set<String> entries(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.map(path -> root.relativize(path).toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  synchronized String summary() {
    StringBuilder text = new StringBuilder();
    checks.forEach((invariant, count) -> text.append(String.format("  %4d checks  %s%n", count, invariant)));
    violations.forEach(violation -> text.append("  VIOLATED: ").append(violation).append(System.lineSeparator()));
    return text.toString();
  }

  synchronized int checkCount() {
    return checks.values().stream().mapToInt(Integer::intValue).sum();
  }

  synchronized List<String> violations() {
    return List.copyOf(violations);
  }
}
