package io.otaflow.controlplane;

import static net.logstash.logback.argument.StructuredArguments.value;

import io.otaflow.domain.OtaflowNames;
import io.otaflow.domain.RolloutStatus;
import io.otaflow.plan.InvalidPlanException;
import io.otaflow.plan.PlanValidator;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.RegistryConflictException;
import io.otaflow.registry.ReleaseRepository;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RolloutRecord;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.release.Release;
import io.otaflow.rollout.AbortCommand;
import io.otaflow.rollout.OperatorCommand;
import io.otaflow.rollout.RolloutProgress;
import io.otaflow.rollout.RolloutRequest;
import io.otaflow.rollout.RolloutWebUi;
import io.otaflow.rollout.RolloutWorkflow;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a release manager can do: register releases, start rollouts, steer them while they run and roll them back
 * after they ended.
 */
public class RolloutService {

  private static final Logger log = LoggerFactory.getLogger(RolloutService.class);
  /** Robots read from the registry at once when taking a rollback's leases. */
  private static final int PAGE_SIZE = 1_000;
  /** Asks of a running rollout's progress before the query's failure is the answer (1 s of waits in all). */
  private static final int PROGRESS_ATTEMPTS = 5;

  private final RobotRepository robots;
  private final ReleaseRepository releases;
  private final RolloutRepository rollouts;
  private final RolloutRobotRepository rolloutRobots;
  private final WorkflowClient client;
  private final KillSwitch killSwitch;
  private final ReleaseSigningKey signingKey;
  private final boolean prometheusConfigured;

  /**
   * @param signingKey           signs releases registered without a manifest; null registers them unsigned
   * @param prometheusConfigured the control plane has a Prometheus for stage analyses; without one, a plan with an
   *                             analysis is refused
   */
  public RolloutService(RobotRepository robots, ReleaseRepository releases, RolloutRepository rollouts,
                        RolloutRobotRepository rolloutRobots, WorkflowClient client, KillSwitch killSwitch,
                        ReleaseSigningKey signingKey, boolean prometheusConfigured) {
    this.robots = robots;
    this.releases = releases;
    this.rollouts = rollouts;
    this.rolloutRobots = rolloutRobots;
    this.client = client;
    this.killSwitch = killSwitch;
    this.signingKey = signingKey;
    this.prometheusConfigured = prometheusConfigured;
  }

  /** A release as registered, and whether this call registered it (false: it was already, identically). */
  public record RegisteredRelease(Release release, boolean created) {
  }

  /** Registers a release for every robot (no target labels); returns it as registered. */
  public Release registerRelease(Release release) {
    return registerRelease(release, Map.of()).release();
  }

  /**
   * Registers a release. One carrying a signed manifest must name the manifest's version, SHA-256 and size, so a
   * mix-and-match is refused here already, not only on the robots. One without is signed with the control plane's
   * key, when it has one, for robots with {@code labels}, under the next release number. Synchronized so that two
   * registrations never take the same release number (one control plane signs; a second one would need a database
   * sequence).
   *
   * @throws IllegalArgumentException                       naming the field at fault
   * @throws io.otaflow.registry.RegistryConflictException  when the version is registered with something else
   */
  public synchronized RegisteredRelease registerRelease(Release release, Map<String, String> labels) {
    release.validate();
    Optional<Release> existing = releases.release(release.version());
    Release signed = release;
    if (release.signedManifest() != null) {
      requireMatches(release, SignedManifest.fromJson(release.signedManifest()).manifest(), labels);
    } else if (signingKey != null) {
      if (existing.isPresent() && sameArtifact(existing.get(), release)) {
        requireSameLabels(existing.get(), labels);
        return new RegisteredRelease(existing.get(), false);
      }
      SignedManifest manifest = signingKey.sign(release, labels, nextReleaseNumber());
      signed = release.withSignedManifest(manifest.toJson());
    } else if (!labels.isEmpty()) {
      throw new IllegalArgumentException("labels: only a signed manifest carries target labels, and the control plane"
          + " has no signing key (otaflow server --signing-key); sign the manifest with otaflow release sign");
    }
    releases.registerRelease(signed);
    Release registered = releases.release(release.version()).orElseThrow();
    if (existing.isEmpty()) {
      String signature = registered.signedManifest() == null ? "unsigned"
          : "release number " + SignedManifest.fromJson(registered.signedManifest()).manifest().releaseNumber();
      log.info("registered release {} ({})", value("release", release.version()), signature);
    }
    return new RegisteredRelease(registered, existing.isEmpty());
  }

  public Optional<Release> release(String version) {
    return releases.release(version);
  }

  /** 1 + the highest release number among the registered releases' manifests; 1 for the first. */
  private long nextReleaseNumber() {
    return 1 + releases.releases().stream()
        .filter(release -> release.signedManifest() != null)
        .mapToLong(release -> SignedManifest.fromJson(release.signedManifest()).manifest().releaseNumber())
        .max().orElse(0);
  }

  private static void requireMatches(Release release, ReleaseManifest manifest, Map<String, String> labels) {
    if (!manifest.version().equals(release.version())) {
      throw mismatch("version", manifest.version(), release.version());
    }
    if (!manifest.artifactSha256().equals(release.sha256())) {
      throw mismatch("artifactSha256", manifest.artifactSha256(), release.sha256());
    }
    if (manifest.sizeBytes() != release.sizeBytes()) {
      throw mismatch("sizeBytes", manifest.sizeBytes(), release.sizeBytes());
    }
    if (!Objects.equals(manifest.image(), release.image())) {
      throw mismatch("image", manifest.image(), release.image());
    }
    if (!labels.isEmpty() && !manifest.targetLabels().equals(labels)) {
      throw new IllegalArgumentException("labels: " + new TreeMap<>(labels)
          + " differ from the signed manifest's target labels " + manifest.targetLabels());
    }
  }

  private static IllegalArgumentException mismatch(String field, Object inManifest, Object inRelease) {
    return new IllegalArgumentException("signedManifest." + field + ": the manifest says " + inManifest
        + " but the release says " + inRelease + "; a manifest must be for this very artifact");
  }

  private static void requireSameLabels(Release registered, Map<String, String> labels) {
    // A release registered before the control plane had a key stays unsigned, for every robot.
    Map<String, String> signedFor = registered.signedManifest() == null ? Map.of()
        : SignedManifest.fromJson(registered.signedManifest()).manifest().targetLabels();
    if (!signedFor.equals(labels)) {
      throw new RegistryConflictException("release " + registered.version()
          + " is already registered, signed for target labels " + signedFor + ", not " + new TreeMap<>(labels));
    }
  }

  private static boolean sameArtifact(Release a, Release b) {
    return Objects.equals(a.artifactUrl(), b.artifactUrl()) && Objects.equals(a.image(), b.image())
        && a.sha256().equals(b.sha256())
        && a.sizeBytes() == b.sizeBytes() && a.changelog().equals(b.changelog());
  }

  /**
   * Checks everything a person can get wrong before anything starts (plan, release, target), records the rollout
   * with its robots' leases in one transaction, and starts its workflow.
   *
   * @throws KillSwitchOnException                        while the kill switch is on
   * @throws io.otaflow.plan.InvalidPlanException         naming the plan field at fault
   * @throws UnknownReleaseException                      when the release was never registered
   * @throws io.otaflow.registry.UnknownRobotException    when the target names robots the registry does not know
   * @throws io.otaflow.registry.RobotsLeasedException    when a running rollout holds some of the target's robots
   * @param startedBy the authenticated user
   */
  public RolloutRequest startRollout(String rolloutId, String releaseVersion, RolloutPlan givenPlan,
                                    TargetSelector target, String startedBy) {
    killSwitch.requireOff("no rollout may start");
    RolloutPlan plan = givenPlan == null ? null : givenPlan.withDefaults();
    PlanValidator.validate(plan);
    requireAnalysable(plan);
    Release release = releases.release(releaseVersion)
        .orElseThrow(() -> new UnknownReleaseException(releaseVersion));
    if (robots.matchingRobots(target).isEmpty()) {
      throw new IllegalArgumentException("target: no registered robot matches " + target);
    }
    RolloutRequest request = new RolloutRequest(rolloutId, release, plan, target, startedBy);
    Set<String> leased = robots.rolloutTargets(target, releaseVersion);
    rollouts.createRollout(request, leased);
    String workflowId = OtaflowNames.rolloutWorkflowId(rolloutId);
    startWorkflow(workflowId, request);
    killSwitch.signalIfOn(workflowId);
    log.info("rollout {} started: release {}, {} stages, {} robots leased, target {}", value("rolloutId", rolloutId),
        value("release", releaseVersion), plan.stages().size(), leased.size(), target);
    return request;
  }

  /** A stage analysis needs a Prometheus to query: without one, its rollout would only ever be inconclusive. */
  private void requireAnalysable(RolloutPlan plan) {
    for (int i = 0; i < plan.stages().size() && !prometheusConfigured; i++) {
      if (plan.stages().get(i).analysis() != null) {
        throw new InvalidPlanException("stages[" + i + "].analysis", "this control plane has no Prometheus to query:"
            + " start it with --prometheus-url URL (otaflow.analysis.prometheus-url)");
      }
    }
  }

  /**
   * Orders the rollback of a rollout that has ended: takes the leases of the robots it must switch back (those it left
   * after apply, and those it committed that still run its release) and records it RUNNING in one transaction, then
   * starts its rollback workflow ({@link OtaflowNames#rolloutRollbackWorkflowId}) with the request it started with.
   * The workflow records the outcome on the rollout, which gives the robots back. Allowed while the kill switch is on:
   * a rollback makes the fleet safer.
   *
   * @throws UnknownRolloutException                   when no rollout has this ID
   * @throws RollbackRefusedException                  when it has not ended, or has no robot left on its release
   * @throws io.otaflow.registry.RobotsLeasedException when a running rollout holds some of those robots
   */
  public RollbackOrder rollBack(String rolloutId, OperatorCommand order) {
    RolloutRecord rollout = registered(rolloutId);
    if (!rollout.status().isFinal()) {
      throw RollbackRefusedException.notEnded(rollout);
    }
    RolloutRequest started = rollouts.rolloutRequest(rolloutId).orElseThrow();
    String version = started.release().version();
    Set<String> robotIds = robotsToRollBack(rolloutId, version);
    int movedOn = rolloutRobots.countMovedOn(rolloutId, version);
    if (robotIds.isEmpty()) {
      throw RollbackRefusedException.nothingLeft(rolloutId, version, movedOn);
    }
    String reason = "rolling back after it ended: ordered by " + order.by() + ": " + order.reason();
    if (!rollouts.orderRollback(rolloutId, robotIds, reason)) {
      throw RollbackRefusedException.notEnded(registered(rolloutId));
    }
    startWorkflow(OtaflowNames.rolloutRollbackWorkflowId(rolloutId), started.withRollbackOrder(order));
    log.info("rollout {} {}: {} robots to switch back, {} moved on since", value("rolloutId", rolloutId), reason,
        robotIds.size(), movedOn);
    return new RollbackOrder(rolloutId, version, robotIds.size(), movedOn, reason);
  }

  private Set<String> robotsToRollBack(String rolloutId, String releaseVersion) {
    Set<String> robotIds = new HashSet<>();
    String after = null;
    List<String> page;
    while (!(page = rolloutRobots.robotsToRollBack(rolloutId, releaseVersion, after, PAGE_SIZE)).isEmpty()) {
      robotIds.addAll(page);
      after = page.get(page.size() - 1);
    }
    return robotIds;
  }

  /**
   * Starts a workflow of a rollout recorded with its leases. When it cannot start, nothing ran: records the rollout
   * FAILED, which gives the robots back rather than hold them for a workflow that never will run.
   */
  private void startWorkflow(String workflowId, RolloutRequest request) {
    RolloutWorkflow workflow = client.newWorkflowStub(RolloutWorkflow.class,
        RolloutWebUi.workflowOptions(workflowId, request));
    try {
      WorkflowClient.start(workflow::run, request, null);
    } catch (RuntimeException notStarted) {
      rollouts.recordRolloutStatus(request.rolloutId(), RolloutStatus.FAILED, null,
          "workflow " + workflowId + " not started: " + notStarted.getMessage());
      throw notStarted;
    }
  }

  /**
   * The progress of the rollout's workflow (its rollback's, once one was ordered); for a rollout that has ended and
   * whose workflow cannot answer any more (terminated by hand: its history ends mid-run and does not replay; or gone),
   * what the registry recorded.
   *
   * @throws UnknownRolloutException when no rollout has this ID
   */
  public RolloutProgress progress(String rolloutId) {
    for (int attempt = 1; ; attempt++) {
      RolloutRecord rollout = registered(rolloutId);
      try {
        return workflow(rollout).progress();
      } catch (WorkflowNotFoundException | WorkflowQueryException unanswered) {
        if (rollout.status().isFinal()) {
          return new RolloutProgress(rolloutId, rollout.releaseVersion(), rollout.status(), -1, List.of(),
              rolloutRobots.countsByState(rolloutId).entrySet().stream().filter(count -> count.getValue() > 0)
                  .collect(Collectors.toMap(count -> count.getKey().name(), Map.Entry::getValue)), 0,
              rollout.reason());
        }
        // A query that reaches a run in the instant it continues as new goes unanswered; the next run answers, or
        // the rollout has ended meanwhile and the registry says so.
        if (attempt == PROGRESS_ATTEMPTS) {
          throw unanswered;
        }
        log.info("rollout {}: progress query unanswered ({}), asking again", value("rolloutId", rolloutId),
            unanswered.getClass().getSimpleName());
        waitBeforeAsking(Duration.ofMillis(100L * attempt));
      }
    }
  }

  private static void waitBeforeAsking(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking for a rollout's progress", e);
    }
  }

  public RolloutProgress pause(String rolloutId, OperatorCommand command) {
    return command(registered(rolloutId), "pause", workflow -> workflow.pause(command));
  }

  /** @throws KillSwitchOnException while the kill switch is on: only a person resumes what it paused, once it is off */
  public RolloutProgress resume(String rolloutId, OperatorCommand command) {
    RolloutRecord rollout = registered(rolloutId);
    killSwitch.requireOff("no rollout may resume");
    return command(rollout, "resume", workflow -> workflow.resume(command));
  }

  /** @throws KillSwitchOnException while the kill switch is on */
  public RolloutProgress approve(String rolloutId, OperatorCommand command) {
    RolloutRecord rollout = registered(rolloutId);
    killSwitch.requireOff("no stage may be approved");
    return command(rollout, "approve", workflow -> workflow.approve(command));
  }

  /** Allowed while the kill switch is on: an abort rolls back, which makes the fleet safer. */
  public RolloutProgress abort(String rolloutId, AbortCommand command) {
    return command(registered(rolloutId), "abort", workflow -> workflow.abort(command));
  }

  /**
   * Sends an update. The workflow's validators refuse what does not fit its state while it runs; once it has closed,
   * Temporal answers "not found", which is turned into the same kind of refusal.
   *
   * @throws RolloutEndedException   when the rollout's workflow has closed
   * @throws io.temporal.client.WorkflowUpdateException when a validator refused the command
   */
  private RolloutProgress command(RolloutRecord rollout, String name,
                                  Function<RolloutWorkflow, RolloutProgress> update) {
    try {
      RolloutProgress progress = update.apply(workflow(rollout));
      log.info("rollout {} {}: now {}", value("rolloutId", rollout.rolloutId()), name, progress.status());
      return progress;
    } catch (WorkflowNotFoundException closed) {
      throw new RolloutEndedException(name, registered(rollout.rolloutId()).status());
    }
  }

  /** @throws UnknownRolloutException when no rollout has this ID */
  private RolloutRecord registered(String rolloutId) {
    return rollouts.rollout(rolloutId).orElseThrow(() -> new UnknownRolloutException(rolloutId));
  }

  /** The registry says which workflow runs the rollout: its own, or its rollback once one was ordered. */
  private RolloutWorkflow workflow(RolloutRecord rollout) {
    return client.newWorkflowStub(RolloutWorkflow.class, rollout.workflowId());
  }
}
