package io.otaflow.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.release.Release;
import io.otaflow.robot.ApplyHooks;
import io.otaflow.robot.ContainerApp;
import io.otaflow.robot.ContainerEngine;
import io.otaflow.robot.HealthThresholds;
import io.otaflow.robot.ReleaseManifestCheck;
import io.otaflow.robot.RobotDiskState;
import io.otaflow.robot.SafeStateRules;
import io.otaflow.robot.sensors.Quantity;
import io.otaflow.robot.sensors.Reading;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ReleaseManifest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
    assertThat(config.sensorSources().describe()).isEqualTo("sysfs /, http http://127.0.0.1:8080/sensors; "
        + "mission: lockFile /run/otaflow/update.lock");
  }

  @Test
  void theContainerRobotExampleParsesAndNamesItsApp() throws Exception {
    AgentConfig config = AgentConfig.parse(Files.readString(Path.of("..", "..", "deploy", "agent",
        "agent-container.yaml")));
    Path password = Files.writeString(temp.resolve("registry-password"), "s3cret\n");
    AgentConfig.App app = config.apps().get(0);
    AgentConfig withPassword = new AgentConfig(config.robotId(), config.labels(), config.dataDir(), config.temporal(),
        null, config.safeState(), config.hooks(), config.health(), null, null, null, null, null, null, null,
        List.of(new AgentConfig.App(app.name(), app.repository(), app.tag(), app.keepImages(), app.engine(),
            new AgentConfig.RegistryLogin("robot-lyon", password.toString()), app.hooks(), app.health())));

    ContainerApp container = withPassword.containerApp();

    assertThat(container).isEqualTo(new ContainerApp("perception", "registry.example.com/robots/humanoid-perception",
        "current", 2, new ContainerEngine.Connection("unix:///run/podman/podman.sock", "robot-lyon", "s3cret")));
    assertThat(withPassword.robotSide().hooks().afterSwitch()).containsExactly("systemctl restart humanoid-perception");
    assertThat(withPassword.robotSide().probes()).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "apps: [{name: a, repository: r.example.com/a}, {name: b, repository: r.example.com/b}]"
          + "| apps: 2 apps; a robot runs one containerized app for now",
      "apps: [{name: a}] | apps[0].repository: missing, expected the images' repository such as "
          + "registry.example.com/perception",
      "apps: [{name: a, repository: r.example.com/a:1.0}] | apps[0].repository: 'r.example.com/a:1.0' names a tag or "
          + "digest; give the repository alone (the tag the unit runs goes in tag)",
      "apps: [{name: a, repository: r.example.com/a, engine: 'tcp://10.0.0.1:2375'}] | apps[0].engine: "
          + "'tcp://10.0.0.1:2375' is not a Unix socket (unix:///...)",
      "apps: [{name: a, repository: r.example.com/a, keepImages: 1}] | apps[0].keepImages: must be at least 2 (the "
          + "running image and the one a rollback returns to), was 1",
      "apps: [{name: 'a b', repository: r.example.com/a}] | apps[0].name: 'a b' is not a name (letters, digits, _ . -)",
      "apps: [{name: a, repository: r.example.com/a, registry: {username: u}}] | apps[0].registry.passwordFile: "
          + "missing, expected a file holding the password or token",
      "apps: [{name: a, repository: r.example.com/a, health: {minBatteryPercent: 150}}] | health.minBatteryPercent: "
          + "150.0 is not a percentage between 0 and 100",
      "'hooks: {afterSwitch: [x]}\\napps: [{name: a, repository: r.example.com/a, hooks: {afterSwitch: [y]}}]' | "
          + "apps[0].hooks: the top-level hooks are set too; give them in one place",
  })
  void badAppIsRefusedNamingTheField(String yaml, String message) {
    AgentConfig config = AgentConfig.parse("robotId: r1\ntemporal: {address: \"t:7233\"}\n"
        + yaml.replace("\\n", "\n"));

    assertThatThrownBy(config::validate).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
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
  void whatIsLeftOutTakesItsDefault() {
    AgentConfig config = AgentConfig.parse("robotId: r1\ntemporal: {address: \"127.0.0.1:7233\"}\n").validate();

    assertThat(config.dataDirPath()).isEqualTo(Path.of("/var/lib/otaflow"));
    assertThat(config.temporal().namespace()).isEqualTo("default");
    assertThat(config.safeStateRules()).isEqualTo(SafeStateRules.defaults(Path.of("/var/lib/otaflow")));
    assertThat(config.healthThresholds()).isEqualTo(HealthThresholds.defaults());
    assertThat(config.applyHooks().beforeSwitch()).isEmpty();
    assertThat(config.probes()).isEmpty();
    assertThat(config.trustedKeysDirPath()).isNull();
    assertThat(config.sensorSources().describe()).isEqualTo("file /var/lib/otaflow/sensors.json");
  }

  @Test
  void sensorSourcesAreReadInOrderWithTheMissionSourceApart() {
    AgentConfig config = AgentConfig.parse("""
        sensors:
          - {type: sysfs, root: /sys-root}
          - {type: command, command: "ros2-battery-json", timeout: 3s, maxAge: 30s}
          - {type: http, url: "http://127.0.0.1:9000/health", timeout: 2s}
          - {type: file, path: /run/robot/sensors.json, maxAge: 2m}
        mission: {type: lockFile, path: /run/otaflow/update.lock}
        """);

    assertThat(config.sensorSources().describe()).isEqualTo("sysfs /sys-root, command `ros2-battery-json`, "
        + "http http://127.0.0.1:9000/health, file /run/robot/sensors.json; "
        + "mission: lockFile /run/otaflow/update.lock");
    assertThat(AgentConfig.parse("mission: {type: command, command: mission-state}").sensorSources().describe())
        .isEqualTo("file /var/lib/otaflow/sensors.json; mission: command `mission-state`");
  }

  @Test
  void aSourceReadsNothingOlderThanItsMaxAgeOfAMinuteUnlessTold() throws Exception {
    Path file = Files.writeString(temp.resolve("sensors.json"), "{\"batteryPercent\": 90}");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

    assertThat(AgentConfig.parse("sensors: [{type: file, path: " + file + "}]").sensorSources().read()
        .get(Quantity.BATTERY_PERCENT).whyUnknown())
        .startsWith("battery unknown: file " + file + ": reading is ").endsWith(" old (limit 60s)");
    assertThat(AgentConfig.parse("sensors: [{type: file, path: " + file + ", maxAge: 2h}]").sensorSources().read()
        .get(Quantity.BATTERY_PERCENT)).isEqualTo(Reading.of(90));
  }

  @Test
  void badSensorSourcesAreNamed() {
    String robot = "robotId: r1\ntemporal: {address: \"a:1\"}\n";
    assertBad(robot + "sensors: [{type: can-bus}]\n",
        "sensors[0].type: 'can-bus' is not a sensor source, expected one of sysfs, command, http, file");
    assertBad(robot + "sensors: [{path: /x}]\n",
        "sensors[0].type: missing, expected one of sysfs, command, http, file");
    assertBad(robot + "sensors:\n  -\n", "sensors[0].type: missing");
    assertBad(robot + "sensors: [{type: lockFile, path: /x}]\n",
        "sensors[0].type: 'lockFile' is not a sensor source, expected one of sysfs, command, http, file");
    assertBad(robot + "mission: {type: sysfs}\n",
        "mission.type: 'sysfs' is not a mission source, expected one of lockFile, command, http, file");
    assertBad(robot + "sensors: [{type: sysfs}, {type: file}]\n", "sensors[1].path: missing");
    assertBad(robot + "mission: {type: lockFile}\n", "mission.path: missing");
    assertBad(robot + "sensors: [{type: command, timeout: 5s}]\n", "sensors[0].command: missing");
    assertBad(robot + "sensors: [{type: http, url: \"localhost:9000\"}]\n",
        "sensors[0].url: expected an http:// or https:// URL, got localhost:9000");
    assertBad(robot + "sensors: [{type: file, path: /x, maxAge: a while}]\n",
        "sensors[0].maxAge: 'a while' is not a duration");
    assertBad(robot + "sensors: [{type: command, command: x, timeout: 0s}]\n",
        "sensors[0].timeout: must be positive, got '0s'");
    assertBad(robot + "sensors: [{type: sysfs, path: /sys}]\n", "sensors[0].path: not used by a sysfs source");
    assertBad(robot + "sensors: [{type: file, path: /x, mxAge: 1m}]\n", "sensors[0].mxAge: unknown field");
    assertBad(robot + "sensors: []\n",
        "sensors: empty; list a source, or leave sensors out to read <dataDir>/sensors.json");
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
  void tracingIsOnWithAnEndpointAndTheFlagWins() {
    AgentConfig file = AgentConfig.parse("robotId: r1\ntemporal: {address: \"a:1\"}\n"
        + "tracing: {otlpEndpoint: \"http://collector:4318\"}\n").validate();

    assertThat(file.otlpEndpoint()).isEqualTo("http://collector:4318");
    assertThat(file.withTracing("http://other:4318").otlpEndpoint()).isEqualTo("http://other:4318");
    assertThat(AgentConfig.parse("robotId: r1\n").otlpEndpoint()).isNull();
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\ntracing: {}\n", "tracing.otlpEndpoint: missing");
    assertBad("robotId: r1\ntemporal: {address: \"a:1\"}\ntracing: {otlpEndpoint: \"collector:4318\"}\n",
        "tracing.otlpEndpoint: 'collector:4318' is not an http:// or https:// URL of an OTLP collector");
  }

  @Test
  void theControlPlaneAndTelemetryIntervalsAreCheckedAtStart() throws Exception {
    Path token = Files.writeString(temp.resolve("token"), "otaflow_x_y\n");
    String base = "robotId: r1\ntemporal: {address: \"a:1\"}\n";

    AgentConfig config = AgentConfig.parse(base + "controlPlane: {url: \"https://otaflow.example.com\", tokenFile: "
        + token + "}\ntelemetryInterval: 30s\ntelemetrySendInterval: 2m\n").validate();
    assertThat(config.controlPlaneUri()).hasToString("https://otaflow.example.com");
    assertThat(config.telemetrySendIntervalDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(AgentConfig.parse(base).validate().telemetrySendIntervalDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(AgentConfig.parse(base).validate().controlPlaneUri()).as("no telemetry sent").isNull();

    assertBad(base + "controlPlane: {tokenFile: " + token + "}\n", "controlPlane.url: missing");
    assertBad(base + "controlPlane: {url: \"ftp://x\", tokenFile: " + token + "}\n",
        "controlPlane.url: 'ftp://x' is not an http:// or https:// URL with a host");
    assertBad(base + "controlPlane: {url: \"http://x\"}\n",
        "controlPlane.tokenFile: missing, a file holding the robot's token (otaflow tokens create --robot r1)");
    assertBad(base + "controlPlane: {url: \"http://x\", tokenFile: /nope}\n",
        "controlPlane.tokenFile: /nope does not exist or is not readable");
    assertBad(base + "telemetryInterval: 2m\ntelemetrySendInterval: 1m\n",
        "telemetrySendInterval: 1m is shorter than telemetryInterval (PT2M): every send needs a sample");
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
