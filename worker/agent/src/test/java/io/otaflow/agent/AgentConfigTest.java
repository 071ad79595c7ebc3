package io.otaflow.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.release.Release;
import io.otaflow.robot.ApplyHooks;
import io.otaflow.robot.HealthThresholds;
import io.otaflow.robot.ReleaseManifestCheck;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robot.SafeStateRules;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ReleaseManifest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

  private static final String SHA256 = "ab".repeat(32);

  @TempDir
  Path temp;

  @Test
  void theDeployExampleParsesAndValidates() throws Exception {
    Path example = Path.of("..", "..", "deploy", "agent", "agent.yaml");
    // The example names TLS files that exist only on a robot: check parsing and everything but those.
    AgentConfig config = AgentConfig.parse(Files.readString(example));
    assertThat(config.robotId()).isNotBlank();
    assertThat(config.temporal().address()).isNotBlank();
    config.safeStateRules();
    config.applyHooks();
    config.probes();
    config.healthThresholds();
  }

  @Test
  void everyFieldIsRead() {
    AgentConfig config = AgentConfig.parse("""
        robotId: r7
        labels: {site: lyon, model: mk2}
        dataDir: %s
        temporal: {address: "temporal.example.com:7233", namespace: fleet, apiKey: secret}
        trustedKeysDir: /etc/otaflow/keys
        safeState:
          requireIdle: false
          requireDockedOrCharging: true
          minBatteryPercent: 55
          maintenanceWindow: {start: "22:00", end: "05:00", zone: Europe/Paris}
          killSwitchFile: /etc/otaflow/stop
        hooks:
          beforeSwitch: ["systemctl stop robot-app"]
          afterSwitch: ["systemctl start robot-app"]
          timeout: 90s
        health:
          minBatteryPercent: 15
          maxTemperatureC: 70
          latency: {host: 127.0.0.1, port: 7233, maxMs: 100}
          systemdUnits: [robot-app]
          httpChecks: [{url: "http://127.0.0.1:8080/health", timeout: 2s}]
          commands: [{name: lidar, command: "lidar-selftest", timeout: 1m}]
        """.formatted(temp)).validate();

    assertThat(config.robotId()).isEqualTo("r7");
    assertThat(config.labels()).isEqualTo(Map.of("site", "lyon", "model", "mk2"));
    assertThat(config.dataDirPath()).isEqualTo(temp);
    assertThat(config.temporal().namespace()).isEqualTo("fleet");
    assertThat(config.temporal().apiKey()).isEqualTo("secret");
    assertThat(config.trustedKeysDirPath()).isEqualTo(Path.of("/etc/otaflow/keys"));
    SafeStateRules rules = config.safeStateRules();
    assertThat(rules.requireIdle()).isFalse();
    assertThat(rules.minBatteryPercent()).isEqualTo(55);
    assertThat(rules.maintenanceWindow().start()).isEqualTo(LocalTime.of(22, 0));
    assertThat(rules.maintenanceWindow()).hasToString("22:00-05:00 Europe/Paris");
    assertThat(rules.killSwitchFile()).isEqualTo(Path.of("/etc/otaflow/stop"));
    ApplyHooks hooks = config.applyHooks();
    assertThat(hooks.beforeSwitch()).containsExactly("systemctl stop robot-app");
    assertThat(hooks.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.healthThresholds()).isEqualTo(new HealthThresholds(15, 70, 100));
    assertThat(config.probes()).hasSize(4);
  }

  @Test
  void defaultsMakeAFreshRobotSafeAndHealthy() {
    AgentConfig config = AgentConfig.parse("robotId: r1\ntemporal: {address: \"127.0.0.1:7233\"}\n").validate();

    assertThat(config.dataDirPath()).isEqualTo(Path.of("/var/lib/otaflow"));
    assertThat(config.temporal().namespace()).isEqualTo("default");
    assertThat(config.safeStateRules()).isEqualTo(SafeStateRules.defaults(Path.of("/var/lib/otaflow")));
    assertThat(config.healthThresholds()).isEqualTo(HealthThresholds.defaults());
    assertThat(config.applyHooks().beforeSwitch()).isEmpty();
    assertThat(config.probes()).isEmpty();
    assertThat(config.trustedKeysDirPath()).isNull();
  }

  @Test
  void flagsOverrideTheFile() {
    AgentConfig config = AgentConfig.parse("""
        robotId: from-file
        labels: {site: lyon}
        temporal: {address: "file:7233", namespace: file-ns}
        """).withOverrides("from-flag", "flag:7233", null, "/tmp/r", Map.of("model", "mk2"));

    assertThat(config.robotId()).isEqualTo("from-flag");
    assertThat(config.temporal().address()).isEqualTo("flag:7233");
    assertThat(config.temporal().namespace()).isEqualTo("file-ns");
    assertThat(config.dataDir()).isEqualTo("/tmp/r");
    assertThat(config.labels()).isEqualTo(Map.of("site", "lyon", "model", "mk2"));
  }

  @Test
  void theRobotsLabelsFromFileAndFlagsDecideWhichSignedReleasesItTakes() {
    AgentConfig config = AgentConfig.parse("robotId: r1\nlabels: {site: paris}\ntemporal: {address: \"a:1\"}\n")
        .withOverrides(null, null, null, temp.toString(), Map.of("model", "mk2")).validate();
    ReleaseManifestCheck check = config.robotSide().manifestCheck();

    check.check(targeted(Map.of("site", "paris", "model", "mk2")), SHA256, RobotDiskState.fresh());
    assertThatThrownBy(() -> check.check(targeted(Map.of("site", "berlin")), SHA256, RobotDiskState.fresh()))
        .isInstanceOfSatisfying(ApplicationFailure.class, refusal -> assertThat(refusal.getOriginalMessage())
            .isEqualTo("verify: release 2.0.0 targets site=berlin, this robot has site=paris"));
    assertThatThrownBy(() -> check.check(targeted(Map.of("model", "mk3")), SHA256, RobotDiskState.fresh()))
        .isInstanceOfSatisfying(ApplicationFailure.class, refusal -> assertThat(refusal.getOriginalMessage())
            .isEqualTo("verify: release 2.0.0 targets model=mk3, this robot has model=mk2"));
  }

  /** Release 2.0.0 signed (by a key the robot does not need to trust) for robots with {@code labels}. */
  private static Release targeted(Map<String, String> labels) {
    KeyPair key = ManifestSigner.generate();
    ReleaseManifest manifest = new ReleaseManifest("2.0.0", SHA256, 1234, labels,
        Instant.now().plus(Duration.ofDays(1)), 1, false);
    return new Release("2.0.0", "http://127.0.0.1/2.0.0.tar.gz", SHA256, 1234, "", null)
        .withSignedManifest(ManifestSigner.sign(manifest, key.getPrivate(), key.getPublic()).toJson());
  }

  @Test
  void badFieldsAreNamed() {
    assertBad("robotId: r1\nlabels: {site: }\ntemporal: {address: \"a:1\"}\n",
        "labels.site: empty; give the label a value or remove it");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\nsafeState: {minBatteryPercent: lots}\n",
        "safeState.minBatteryPercent: 'lots' is not a valid number");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\nsafeState: {minBattery: 40}\n",
        "safeState.minBattery: unknown field");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\nsafeState: {minBatteryPercent: 140}\n",
        "safeState.minBatteryPercent: 140.0 is not a percentage between 0 and 100");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\n"
            + "safeState: {maintenanceWindow: {start: \"25:00\", end: \"05:00\"}}\n",
        "safeState.maintenanceWindow.start: '25:00' is not a time");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\n"
            + "safeState: {maintenanceWindow: {start: \"22:00\", end: \"05:00\", zone: Mars/Olympus}}\n",
        "safeState.maintenanceWindow.zone: 'Mars/Olympus' is not a time zone");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\nhooks: {timeout: soon}\n",
        "hooks.timeout: 'soon' is not a duration");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\nhealth: {httpChecks: [{url: \"ftp://x\"}]}\n",
        "health.httpChecks[0].url: expected an http:// or https:// URL, got ftp://x");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\nhealth: {commands: [{name: x}]}\n",
        "health.commands[0].command: missing");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\nhealth: {latency: {host: h}}\n",
        "health.latency.port: expected a port 1-65535, got null");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\", tls: {certChainFile: /nope.pem, keyFile: /nope.key}}\n",
        "temporal.tls.certChainFile: /nope.pem does not exist or is not readable");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\", tls: {keyFile: /nope.key}}\n",
        "temporal.tls.certChainFile: missing (a client certificate needs certChainFile and keyFile)");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\", tls: {}}\n", "temporal.tls: empty");
    assertBad("robotId: r1\ntemporal: {address: nowhere}\n", "temporal.address: 'nowhere' is not host:port");
    assertBad("temporal: {address: \"a:1\"}\n", "robotId: missing");
    assertBad("robotId: r1\nhealth: {systemdUnits: robot-app}\n", "health.systemdUnits: expected a list");
  }

  @Test
  void loadNamesTheFile() throws Exception {
    Path file = temp.resolve("agent.yaml");
    Files.writeString(file, "robotId: r1\nlables: {site: x}\n");

    assertThatThrownBy(() -> AgentConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": lables: unknown field (known: ");
  }

  private static void assertBad(String yaml, String message) {
    assertThatThrownBy(() -> AgentConfig.parse(yaml).validate())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void listsAreCopied() {
    assertThat(AgentConfig.defaults().hooks().afterSwitch()).isEqualTo(List.of());
  }
}
