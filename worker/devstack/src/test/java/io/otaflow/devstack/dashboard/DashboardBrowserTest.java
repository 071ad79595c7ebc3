package io.otaflow.devstack.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.otaflow.controlplane.security.ApiTokens;
import io.otaflow.devstack.LocalStack;
import io.otaflow.devstack.SimulatedFleet;
import io.otaflow.fleet.RobotTelemetry;
import io.otaflow.plan.RolloutPlan;
import io.otaflow.plan.StagePlan;
import io.otaflow.plan.StagePlanner;
import io.otaflow.plan.TargetSelector;
import io.otaflow.registry.AuditLog;
import io.otaflow.registry.AuditQuery;
import io.otaflow.registry.AuditRecord;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.TelemetryRepository;
import io.otaflow.registry.UserRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The dashboard in a real browser, against the embedded control plane and a simulated fleet of six robots (agents
 * updating real slot directories over HTTP), plus 994 robots registered with telemetry alone: a fleet of 1,000 for
 * the page budget. Screenshots land in target/screenshots. In order: each rollout ends before the next starts, as a
 * robot belongs to one running rollout at a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static final int SIMULATED = 6;
  private static final int FLEET = 1_000;
  private static final long PAGE_BUDGET_BYTES = 100 * 1024;

  private LocalStack stack;
  private DashboardBrowser browser;
  private String releaseManager;
  private String viewer;

  @BeforeAll
  void start(@TempDir Path dataDir) {
    stack = LocalStack.start(dataDir, SIMULATED, Duration.ofSeconds(1), Duration.ofSeconds(2));
    browser = DashboardBrowser.open(stack.apiUrl().toString());
    ApiTokens tokens = stack.controlPlaneBean(ApiTokens.class);
    releaseManager = tokens.issue("rita", UserRole.RELEASE_MANAGER, Duration.ofHours(1), "test").token();
    viewer = tokens.issue("vic", UserRole.VIEWER, Duration.ofHours(1), "test").token();
    registerRobotsWithTelemetryAlone(FLEET - SIMULATED);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void theFleetPageOfAThousandRobotsLoadsUnderItsBudgetAndHasNoSeriousAccessibilityViolation() throws Exception {
    browser.signIn(releaseManager);
    browser.await("the fleet page after sign-in", driver -> driver.getTitle().startsWith("Fleet"));

    long transferred = browser.transferredBytes();
    Files.writeString(Path.of("target", "fleet-page-transfer-bytes.txt"), transferred + "\n");
    assertThat(transferred).as("bytes the fleet page of %d robots transferred", FLEET).isPositive()
        .isLessThan(PAGE_BUDGET_BYTES);
    assertThat(browser.driver().findElements(By.cssSelector("table.robots tbody tr"))).hasSize(100);
    assertThat(browser.text("#versions")).contains(LocalStack.FACTORY_VERSION, "0.8.0");
    assertThat(browser.find("#versions svg").getAttribute("aria-label")).contains("of " + FLEET);
    assertThat(browser.driver().findElements(By.cssSelector("table.robots td.warn"))).isNotEmpty();
    assertThat(Axe.seriousViolations(browser)).isEmpty();

    browser.find("#label").sendKeys("site=oslo");
    browser.find("#label").sendKeys(Keys.ENTER);
    browser.await("the fleet filtered by label", driver -> driver.getCurrentUrl().contains("label=site"));
    assertThat(browser.driver().findElements(By.cssSelector("table.robots tbody tr")))
        .allSatisfy(row -> assertThat(row.getText()).contains("site=oslo"));
    browser.go("/ui?label=nonsense");
    assertThat(browser.text(".refusal")).contains("'nonsense' is not name=value");

    browser.go("/ui");
    browser.screenshot("fleet", 1280, 800);
    browser.screenshot("fleet", 768, 1024);
  }

  @Test
  @Order(2)
  void aReleaseManagerWatchesTheBarsMoveLiveAndApprovesByKeyboard() {
    List<String> robots = stack.fleet().robotIds();
    stack.publish("1.0.0", "the release the test approves");
    RolloutPlan plan = plan(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        new StagePlan("rest", null, 100, Duration.ZERO, 1.0, true, null));
    browser.signIn(releaseManager);
    stack.rollouts().startRollout("gated", "1.0.0", plan, new TargetSelector(Map.of(), robots), "rita");
    browser.go("/ui/rollouts/gated");
    browser.script("window.notReloaded = true;");

    browser.await("the canary to commit and the rollout to wait for approval, shown live",
        driver -> browser.text("#rollout-gated .status").equals("waiting approval"));
    assertThat(browser.script("return window.notReloaded === true;")).as("the page was not reloaded").isEqualTo(true);
    assertThat(browser.find("#rollout-gated svg").getAttribute("aria-label"))
        .isEqualTo("canary: 1 COMMITTED of 1");
    assertThat(Axe.seriousViolations(browser)).isEmpty();

    browser.find("#reason").sendKeys("the canary looks good");
    browser.find("#reason").sendKeys(Keys.TAB);
    assertThat(browser.driver().switchTo().activeElement().getAttribute("value")).isEqualTo("approve");
    browser.driver().switchTo().activeElement().sendKeys(Keys.ENTER);
    assertThat(browser.text(".done")).isEqualTo("approve: accepted");
    browser.await("the rollout to succeed, shown live",
        driver -> browser.text("#rollout-gated .status").equals("succeeded"));

    List<AuditRecord> audit = stack.controlPlaneBean(AuditLog.class).page(new AuditQuery(null, "rita", null, null,
        10));
    assertThat(audit).anySatisfy(row -> {
      assertThat(row.action()).isEqualTo("rollout.approve");
      assertThat(row.reason()).isEqualTo("the canary looks good");
      assertThat(row.accepted()).isTrue();
    });

    browser.go("/ui/rollouts/gated");
    browser.screenshot("rollout-approved", 1280, 800);
  }

  @Test
  @Order(3)
  void aViewerGetsNoCommandsAndIsRefusedWhenPostingOneAnyway() {
    stack.publish("1.1.0", "the release a viewer cannot steer");
    stack.rollouts().startRollout("watched", "1.1.0", plan(new StagePlan("all", null, 100, Duration.ZERO, 1.0, true,
        null)), new TargetSelector(Map.of(), stack.fleet().robotIds()), "rita");
    browser.signIn(viewer);
    browser.go("/ui/rollouts/watched");
    browser.await("the rollout's page", driver -> browser.present("#rollout-watched"));
    assertThat(browser.present("form.command")).as("a command form for a viewer").isFalse();
    browser.go("/ui/rollouts");
    assertThat(browser.present("form.command")).as("a kill switch form for a viewer").isFalse();

    String refusal = (String) browser.asyncScript("const done = arguments[arguments.length - 1];"
        + " const token = document.querySelector('meta[name=csrf-token]').content;"
        + " fetch('/ui/rollouts/watched/command', {method: 'POST', headers: {'X-CSRF-TOKEN': token,"
        + " 'Content-Type': 'application/x-www-form-urlencoded'}, body: 'action=approve&reason=sneaky'})"
        + ".then(r => r.text().then(body => done(r.status + ' ' + body)));");
    assertThat(refusal).startsWith("403 ").contains("needs the role release-manager; user vic has the role viewer");
    String withoutCsrf = (String) browser.asyncScript("const done = arguments[arguments.length - 1];"
        + " fetch('/ui/rollouts/watched/command', {method: 'POST', headers: {'Content-Type':"
        + " 'application/x-www-form-urlencoded'}, body: 'action=approve&reason=forged'}).then(r => done(String(r.status)));");
    assertThat(withoutCsrf).isEqualTo("403");
    assertThat(stack.controlPlaneBean(AuditLog.class).page(new AuditQuery(null, "vic", null, null, 10)))
        .singleElement().satisfies(row -> assertThat(row.result()).contains("needs the role release-manager"));

    browser.signOut();
    browser.signIn(releaseManager);
    browser.go("/ui/rollouts/watched");
    browser.find("#reason").sendKeys("not the right time");
    browser.find("button[value=pause]").click();
    assertThat(browser.text(".refusal")).as("pausing a rollout that waits for approval")
        .contains("WAITING_APPROVAL");
    browser.find("#reason").sendKeys("wrong release");
    browser.find("button[value=abort]").click();
    browser.await("the abort", driver -> browser.text("#rollout-watched .status").equals("aborted")
        || browser.text("#rollout-watched .status").equals("rolled back"));
  }

  @Test
  @Order(4)
  void aFailingStageRollsBackLiveAndItsRobotsReasonsAppear() {
    List<String> robots = stack.fleet().robotIds();
    stack.publish("2.0.0", "a release that overheats robots of its second stage");
    RolloutPlan plan = plan(StagePlan.canary("canary", 1, Duration.ZERO, 1.0),
        StagePlan.percent("rest", 100, Duration.ZERO, 1.0));
    List<String> overheated = StagePlanner.assign("overheat", robots, plan).get(1).subList(0, 2);
    overheated.forEach(robot -> stack.fleet().whileRunning(robot, "2.0.0", SimulatedFleet.OVERHEATED));
    browser.signIn(releaseManager);
    browser.go("/ui/rollouts");
    browser.script("window.notReloaded = true;");
    stack.rollouts().startRollout("overheat", "2.0.0", plan, new TargetSelector(Map.of(), robots), "rita");
    browser.go("/ui/rollouts/overheat");
    browser.script("window.notReloaded = true;");

    browser.await("the rollout to roll back, shown live",
        driver -> browser.text("#rollout-overheat .status").equals("rolled back"));
    browser.await("the robots' outcomes and reasons, every one rolled back, shown live",
        driver -> browser.text("table.robots tbody").contains("temperature")
            && !browser.text("table.robots tbody").contains("COMMITTED"));
    assertThat(browser.script("return window.notReloaded === true;")).as("the page was not reloaded").isEqualTo(true);
    List<String> rows = new ArrayList<>();
    browser.driver().findElements(By.cssSelector("table.robots tbody tr")).forEach(row -> rows.add(row.getText()));
    assertThat(rows).as("an overheated robot's own reason").anySatisfy(row -> assertThat(row)
        .containsAnyOf(overheated.toArray(String[]::new)).contains("ROLLED_BACK", "health: temperature 93.0C"));
    // Every robot ended ROLLED_BACK here; the order of failed and committed robots is RegistryListsTest's.
    assertThat(rows).hasSize(robots.size()).allSatisfy(row -> assertThat(row).contains("ROLLED_BACK"));
    assertThat(Axe.seriousViolations(browser)).isEmpty();
    browser.screenshot("rollout-rolled-back", 1280, 800);
    browser.screenshot("rollout-rolled-back", 768, 1024);

    browser.go("/ui/robots/" + overheated.get(0));
    assertThat(browser.text("main").toLowerCase(Locale.ROOT)).contains("rollout overheat", "rolled_back");
    assertThat(Axe.seriousViolations(browser)).isEmpty();
  }

  /** Quick stages for the simulated robots: no bake, one health check over half a second. */
  private static RolloutPlan plan(StagePlan... stages) {
    return new RolloutPlan(List.of(stages), 10, Duration.ofSeconds(30), 1, Duration.ofMillis(500));
  }

  /** Robots with a registry row and a latest report, and no agent: enough for the fleet page's figures. */
  private void registerRobotsWithTelemetryAlone(int count) {
    RobotRepository robots = stack.controlPlaneBean(RobotRepository.class);
    List<RobotTelemetry> reports = new ArrayList<>();
    long now = Instant.now().toEpochMilli();
    for (int i = 0; i < count; i++) {
      String robotId = String.format(Locale.ROOT, "field-%04d", i);
      String version = i % 3 == 0 ? "0.8.0" : LocalStack.FACTORY_VERSION;
      robots.registerRobot(robotId, Map.of("site", i % 2 == 0 ? "oslo" : "lyon", "model", "h" + (i % 4)), version,
          "0.1.0");
      long sentAt = i % 50 == 0 ? now - Duration.ofHours(2).toMillis() : now;
      reports.add(new RobotTelemetry(robotId, i % 7 == 0 ? 12 : 80, i % 11 == 0 ? 85 : 41, version, sentAt, null,
          "0.1.0"));
    }
    stack.controlPlaneBean(TelemetryRepository.class).recordAll(reports);
  }
}
