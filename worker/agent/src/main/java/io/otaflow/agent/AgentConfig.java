package io.otaflow.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.otaflow.observability.Tracing;
import io.otaflow.robot.ApplyHooks;
import io.otaflow.robot.ContainerApp;
import io.otaflow.robot.ContainerEngine;
import io.otaflow.robot.HealthProbe;
import io.otaflow.robot.HealthThresholds;
import io.otaflow.robot.MaintenanceWindow;
import io.otaflow.robot.ReleaseManifestCheck;
import io.otaflow.robot.RobotSensors;
import io.otaflow.robot.RobotSideActivities;
import io.otaflow.robot.SafeStateRules;
import io.otaflow.robot.sensors.CommandSource;
import io.otaflow.robot.sensors.FileSource;
import io.otaflow.robot.sensors.HttpSource;
import io.otaflow.robot.sensors.LockFileSource;
import io.otaflow.robot.sensors.SensorSource;
import io.otaflow.robot.sensors.SensorSources;
import io.otaflow.robot.sensors.SysfsSource;
import io.otaflow.wire.Durations;
import io.otaflow.wire.WireJson;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A robot agent's configuration, read from {@code agent.yaml} (see {@code deploy/agent/agent.yaml}). Every field is
 * optional in the file; what is missing takes its default. Command line flags override the file
 * ({@link #withOverrides}). {@link #validate()} names the field that is wrong.
 *
 * @param dataDir the robot's disk (slots, current, state.json, sensors.json); default /var/lib/otaflow
 * @param trustedKeysDir directory of trusted release-signing public keys (*.pub); null: manifests not checked
 * @param telemetryInterval how often the robot samples battery, temperature, version and update step; default 60s
 * @param telemetrySendInterval how often the samples are sent to the control plane (and at once after the installed
 *     version changed); default 5m
 * @param controlPlane where telemetry goes, with the robot's own token; null: no telemetry is sent
 * @param sensors where readings come from, the first source that knows a quantity answering for it; null:
 *     {@code <dataDir>/sensors.json} at any age (what the simulator writes)
 * @param mission the one source of mission state; null: the sensors
 * @param metrics where the robot's Prometheus metrics are served; null: not served (otaflow agent always serves
 *     them, on 127.0.0.1:9464 unless told otherwise)
 * @param tracing where the robot's traces go; null: nowhere
 * @param apps the robot's software when it runs as a container (one app for now): releases are then images of it,
 *     tagged for its systemd unit; empty: releases are archives unpacked into slots
 */
public record AgentConfig(String robotId, Map<String, String> labels, String dataDir, Temporal temporal,
                          String trustedKeysDir, SafeState safeState, Hooks hooks, Health health,
                          String telemetryInterval, String telemetrySendInterval, ControlPlane controlPlane,
                          List<Source> sensors, Source mission, Metrics metrics, TracingConfig tracing,
                          List<App> apps) {

  public static final String DEFAULT_DATA_DIR = "/var/lib/otaflow";

  public AgentConfig {
    // Not Map.copyOf: a label left empty in the file must reach validate(), which names it.
    labels = labels == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    temporal = temporal == null ? new Temporal(null, null, null, null) : temporal;
    safeState = safeState == null ? new SafeState(null, null, null, null, null) : safeState;
    hooks = hooks == null ? new Hooks(null, null, null) : hooks;
    health = health == null ? new Health(null, null, null, null, null, null) : health;
    // Copied keeping null entries (a lone "-"), for validate() to name.
    sensors = sensors == null ? null : Collections.unmodifiableList(new ArrayList<>(sensors));
    apps = apps == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(apps));
  }

  /** Everything default: no robot ID or Temporal address yet. */
  public static AgentConfig defaults() {
    return new AgentConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }

  /**
   * The control plane's REST API, where the agent posts its telemetry.
   *
   * @param url       like https://otaflow.example.com
   * @param tokenFile a file holding the robot's own token ({@code otaflow tokens create --robot ID}), mode 600
   */
  public record ControlPlane(String url, String tokenFile) {
  }

  /**
   * Where the robot's {@code /metrics} listens.
   *
   * @param address default 127.0.0.1: scraped on the robot; 0.0.0.0 only on a network a Prometheus alone reaches
   * @param port    default 9464; 0 picks a free one
   */
  public record Metrics(String address, Integer port) {

    public static final String DEFAULT_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 9464;

    public String addressOrDefault() {
      return address == null ? DEFAULT_ADDRESS : address;
    }

    public int portOrDefault() {
      return port == null ? DEFAULT_PORT : port;
    }
  }

  /**
   * Traces of the robot's work, sent by OTLP/HTTP.
   *
   * @param otlpEndpoint the collector's base URL (such as {@code http://collector:4318}; spans go to
   *     {@code /v1/traces}); null: no traces
   */
  public record TracingConfig(String otlpEndpoint) {
  }

  /**
   * A containerized app: its systemd unit runs {@code repository:tag} ({@code podman run ... repository:current}).
   *
   * @param name       its key in state.json
   * @param repository registry and repository of its images, without tag ({@code registry.example.com/perception})
   * @param tag        the tag its unit runs, moved by updates; default {@code current}
   * @param keepImages images of the repository kept after a commit; default 2 (the running one and the one a
   *                   rollback returns to)
   * @param engine     the container engine's API socket; default {@code unix:///run/podman/podman.sock} (Docker's:
   *                   {@code unix:///var/run/docker.sock})
   * @param registry   credentials for pulls; null: anonymous
   * @param hooks      commands around a tag move (such as {@code systemctl restart perception}); instead of the
   *                   top-level hooks
   * @param health     probes of the app after a tag move; instead of the top-level health
   */
  public record App(String name, String repository, String tag, Integer keepImages, String engine,
                    RegistryLogin registry, Hooks hooks, Health health) {

    public static final String DEFAULT_TAG = "current";
    public static final String DEFAULT_ENGINE = "unix:///run/podman/podman.sock";
  }

  /** A registry user and the file holding its password or token (mode 600). */
  public record RegistryLogin(String username, String passwordFile) {
  }

  /** @param address host:port of the Temporal frontend; namespace default {@code default} */
  public record Temporal(String address, String namespace, Tls tls, String apiKey) {
    public Temporal {
      namespace = namespace == null || namespace.isBlank() ? "default" : namespace;
    }
  }

  /**
   * TLS: client certificate chain and PKCS#8 key (PEM) for mTLS, or neither for TLS that authenticates only the
   * server (with an API key, say); caFile null: the JVM's trusted CAs.
   */
  public record Tls(String certChainFile, String keyFile, String caFile) {

    public boolean hasClientCertificate() {
      return certChainFile != null || keyFile != null;
    }
  }

  /**
   * @param requireIdle default true: no update while a mission runs
   * @param requireDockedOrCharging default true
   * @param minBatteryPercent default 40
   * @param maintenanceWindow null: any time of day
   * @param killSwitchFile default {@code <dataDir>/kill-switch}
   */
  public record SafeState(Boolean requireIdle, Boolean requireDockedOrCharging, Double minBatteryPercent,
                          Window maintenanceWindow, String killSwitchFile) {
  }

  /** {@code start: "22:00", end: "05:00", zone: Europe/Paris}; zone default: the system's. */
  public record Window(String start, String end, String zone) {
  }

  /** Commands run by {@code sh -c} around the switch of {@code current}; timeout per command, default 60s. */
  public record Hooks(List<String> beforeSwitch, List<String> afterSwitch, String timeout) {
    public Hooks {
      beforeSwitch = beforeSwitch == null ? List.of() : List.copyOf(beforeSwitch);
      afterSwitch = afterSwitch == null ? List.of() : List.copyOf(afterSwitch);
    }
  }

  /** Health thresholds and extra probes; battery default 20%, temperature default 80 C. */
  public record Health(Double minBatteryPercent, Double maxTemperatureC, Latency latency, List<String> systemdUnits,
                       List<HttpCheck> httpChecks, List<CommandCheck> commands) {
    public Health {
      systemdUnits = systemdUnits == null ? List.of() : List.copyOf(systemdUnits);
      httpChecks = httpChecks == null ? List.of() : List.copyOf(httpChecks);
      commands = commands == null ? List.of() : List.copyOf(commands);
    }
  }

  /**
   * Without host the latency probe reads latencyMs from the sensors; with host it measures a TCP connect. maxMs
   * default 250.
   */
  public record Latency(String host, Integer port, Long maxMs) {
  }

  /** An endpoint that must answer 200; timeout default 5s. */
  public record HttpCheck(String url, String timeout) {
  }

  /** A command ({@code sh -c}) that must exit 0; timeout default 30s. */
  public record CommandCheck(String name, String command, String timeout) {
  }

  /**
   * A source of readings, by {@code type}: {@code sysfs} (root, default /), {@code command} (printing JSON; timeout
   * default 10s), {@code http} (url answering JSON; timeout default 5s), {@code file} (path of a JSON file), and for
   * mission state alone {@code lockFile} (path: present, a mission runs). Older readings than maxAge (command, http,
   * file; default 1m) are unknown.
   */
  public record Source(String type, String root, String path, String command, String url, String timeout,
                       String maxAge) {
  }

  /** Strict: an unknown or misspelt field is an error, and so is a number left empty. */
  private static final ObjectMapper YAML = WireJson.configure(YAMLMapper.builder())
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  /**
   * Reads and validates {@code file}.
   *
   * @throws IllegalArgumentException naming the file and the bad field
   */
  public static AgentConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses YAML without validating (flags may still fill in what is missing). */
  public static AgentConfig parse(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return defaults();
    }
    try {
      AgentConfig config = YAML.readValue(yaml, AgentConfig.class);
      return config == null ? defaults() : config;
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : " (known: " + e.getKnownPropertyIds().stream()
          .map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
      throw new IllegalArgumentException(path(e) + ": unknown field" + known, e);
    } catch (InvalidFormatException e) {
      throw new IllegalArgumentException(path(e) + ": '" + e.getValue() + "' is not a valid "
          + simpleType(e.getTargetType()), e);
    } catch (MismatchedInputException e) {
      throw new IllegalArgumentException(path(e) + ": expected " + simpleType(e.getTargetType()), e);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new IllegalArgumentException("not valid YAML" + where + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String simpleType(Class<?> type) {
    if (type == null) {
      return "value";
    }
    if (type == Double.class || type == double.class || type == Integer.class || type == int.class
        || type == Long.class || type == long.class) {
      return "number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    if (type == String.class) {
      return "a string";
    }
    return type.getSimpleName();
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getIndex() >= 0) {
        b.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(ref.getFieldName());
      }
    }
    return b.length() == 0 ? "(top level)" : b.toString();
  }

  /** Values given on the command line win over the file's; null leaves the file's value. */
  public AgentConfig withOverrides(String robotId, String temporalAddress, String namespace, String dataDir,
                                   Map<String, String> labels) {
    Map<String, String> mergedLabels = new LinkedHashMap<>(this.labels);
    if (labels != null) {
      mergedLabels.putAll(labels);
    }
    Temporal t = new Temporal(temporalAddress != null ? temporalAddress : temporal.address(),
        namespace != null ? namespace : temporal.namespace(), temporal.tls(), temporal.apiKey());
    return new AgentConfig(robotId != null ? robotId : this.robotId, mergedLabels,
        dataDir != null ? dataDir : this.dataDir, t, trustedKeysDir, safeState, hooks, health, telemetryInterval,
        telemetrySendInterval, controlPlane, sensors, mission, metrics, tracing, apps);
  }

  /** The same configuration, its telemetry sent to {@code controlPlane}. */
  public AgentConfig withControlPlane(ControlPlane controlPlane) {
    return new AgentConfig(robotId, labels, dataDir, temporal, trustedKeysDir, safeState, hooks, health,
        telemetryInterval, telemetrySendInterval, controlPlane, sensors, mission, metrics, tracing, apps);
  }

  /** The same configuration, its metrics served at {@code metrics}. */
  public AgentConfig withMetrics(Metrics metrics) {
    return new AgentConfig(robotId, labels, dataDir, temporal, trustedKeysDir, safeState, hooks, health,
        telemetryInterval, telemetrySendInterval, controlPlane, sensors, mission, metrics, tracing, apps);
  }

  /** The same configuration, its traces sent to {@code otlpEndpoint} (null: none). */
  public AgentConfig withTracing(String otlpEndpoint) {
    return new AgentConfig(robotId, labels, dataDir, temporal, trustedKeysDir, safeState, hooks, health,
        telemetryInterval, telemetrySendInterval, controlPlane, sensors, mission, metrics,
        otlpEndpoint == null ? null : new TracingConfig(otlpEndpoint), apps);
  }

  /** The collector the robot's traces go to; null: none. */
  public String otlpEndpoint() {
    return tracing == null ? null : tracing.otlpEndpoint();
  }

  /**
   * Checks every field, so the agent fails at start rather than at its first update.
   *
   * @throws IllegalArgumentException naming the first bad field
   */
  public AgentConfig validate() {
    if (robotId == null || robotId.isBlank()) {
      throw new IllegalArgumentException("robotId: missing (set it in the file or with --robot-id)");
    }
    labels.forEach((key, value) -> {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("labels." + key + ": empty; give the label a value or remove it");
      }
    });
    if (temporal.address() == null || temporal.address().isBlank()) {
      throw new IllegalArgumentException("temporal.address: missing, expected host:port "
          + "(set it in the file or with --temporal-address)");
    }
    if (!temporal.address().matches("[^\\s:]+:\\d{1,5}")) {
      throw new IllegalArgumentException("temporal.address: '" + temporal.address() + "' is not host:port");
    }
    Tls tls = temporal.tls();
    if (tls != null) {
      if (tls.hasClientCertificate()) {
        requireFile(tls.certChainFile(), "temporal.tls.certChainFile");
        requireFile(tls.keyFile(), "temporal.tls.keyFile");
      } else if (tls.caFile() == null) {
        throw new IllegalArgumentException("temporal.tls: empty; give certChainFile and keyFile (mTLS), caFile, "
            + "or both");
      }
      if (tls.caFile() != null) {
        requireFile(tls.caFile(), "temporal.tls.caFile");
      }
    }
    if (temporal.apiKey() != null && temporal.apiKey().isBlank()) {
      throw new IllegalArgumentException("temporal.apiKey: empty; remove it or give the key");
    }
    safeStateRules();
    containerApp();
    // The hooks and health the robot runs: the app's when it gives them (the top-level ones must then be unset).
    AgentConfig effective = withAppHooksAndHealth();
    percent(effective.health.minBatteryPercent(), "health.minBatteryPercent");
    effective.healthThresholds();
    effective.applyHooks();
    effective.probes();
    sensorSources();
    telemetryIntervalDuration();
    telemetrySendIntervalDuration();
    controlPlaneUri();
    if (metrics != null && (metrics.portOrDefault() < 0 || metrics.portOrDefault() > 65_535)) {
      throw new IllegalArgumentException("metrics.port: must be from 0 to 65535, was " + metrics.port());
    }
    if (metrics != null && metrics.addressOrDefault().isBlank()) {
      throw new IllegalArgumentException("metrics.address: empty; remove it for 127.0.0.1 or give an address");
    }
    if (tracing != null) {
      if (tracing.otlpEndpoint() == null || tracing.otlpEndpoint().isBlank()) {
        throw new IllegalArgumentException("tracing.otlpEndpoint: missing; give the collector's URL (such as "
            + "http://127.0.0.1:4318) or remove tracing");
      }
      Tracing.tracesUrl(tracing.otlpEndpoint(), "tracing.otlpEndpoint");
    }
    return this;
  }

  /** How often telemetry is sent: {@code telemetryInterval}, default a minute, at least a second. */
  public Duration telemetryIntervalDuration() {
    if (telemetryInterval == null) {
      return Duration.ofMinutes(1);
    }
    Duration interval = Durations.parsePositive(telemetryInterval, "telemetryInterval");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("telemetryInterval: " + telemetryInterval + " is shorter than 1s");
    }
    return interval;
  }

  /** How often samples are sent: {@code telemetrySendInterval}, default 5 minutes, not shorter than the sampling. */
  public Duration telemetrySendIntervalDuration() {
    if (telemetrySendInterval == null) {
      return Duration.ofMinutes(5).compareTo(telemetryIntervalDuration()) < 0 ? telemetryIntervalDuration()
          : Duration.ofMinutes(5);
    }
    Duration interval = Durations.parsePositive(telemetrySendInterval, "telemetrySendInterval");
    if (interval.compareTo(telemetryIntervalDuration()) < 0) {
      throw new IllegalArgumentException("telemetrySendInterval: " + telemetrySendInterval
          + " is shorter than telemetryInterval (" + telemetryIntervalDuration() + "): every send needs a sample");
    }
    return interval;
  }

  /** The control plane's base URL, checked; null without {@code controlPlane}. */
  public URI controlPlaneUri() {
    if (controlPlane == null) {
      return null;
    }
    if (controlPlane.url() == null || controlPlane.url().isBlank()) {
      throw new IllegalArgumentException("controlPlane.url: missing, expected like https://otaflow.example.com");
    }
    URI uri;
    try {
      uri = new URI(controlPlane.url());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("controlPlane.url: '" + controlPlane.url() + "' is not a URL: "
          + e.getReason(), e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("controlPlane.url: '" + controlPlane.url()
          + "' is not an http:// or https:// URL with a host");
    }
    if (controlPlane.tokenFile() == null || controlPlane.tokenFile().isBlank()) {
      throw new IllegalArgumentException("controlPlane.tokenFile: missing, a file holding the robot's token"
          + " (otaflow tokens create --robot " + robotId + ")");
    }
    if (!Files.isReadable(Path.of(controlPlane.tokenFile()))) {
      throw new IllegalArgumentException("controlPlane.tokenFile: " + controlPlane.tokenFile()
          + " does not exist or is not readable");
    }
    return uri;
  }

  private static void requireFile(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + ": missing (a client certificate needs certChainFile and keyFile)");
    }
    if (!Files.isReadable(Path.of(value))) {
      throw new IllegalArgumentException(field + ": " + value + " does not exist or is not readable");
    }
  }

  private static double percent(Double value, String field) {
    if (value != null && (value < 0 || value > 100)) {
      throw new IllegalArgumentException(field + ": " + value + " is not a percentage between 0 and 100");
    }
    return value == null ? Double.NaN : value;
  }

  public Path dataDirPath() {
    return Path.of(dataDir == null || dataDir.isBlank() ? DEFAULT_DATA_DIR : dataDir);
  }

  public Path trustedKeysDirPath() {
    return trustedKeysDir == null || trustedKeysDir.isBlank() ? null : Path.of(trustedKeysDir);
  }

  /** The safe-state rules, defaults filled in; the kill switch defaults to {@code <dataDir>/kill-switch}. */
  public SafeStateRules safeStateRules() {
    SafeStateRules d = SafeStateRules.defaults(dataDirPath());
    Double minBattery = safeState.minBatteryPercent();
    percent(minBattery, "safeState.minBatteryPercent");
    Window w = safeState.maintenanceWindow();
    MaintenanceWindow window = w == null ? null
        : MaintenanceWindow.parse(w.start(), w.end(), w.zone(), "safeState.maintenanceWindow");
    return new SafeStateRules(
        safeState.requireIdle() == null ? d.requireIdle() : safeState.requireIdle(),
        safeState.requireDockedOrCharging() == null ? d.requireDockedOrCharging()
            : safeState.requireDockedOrCharging(),
        minBattery == null ? d.minBatteryPercent() : minBattery,
        window,
        safeState.killSwitchFile() == null || safeState.killSwitchFile().isBlank() ? d.killSwitchFile()
            : Path.of(safeState.killSwitchFile()));
  }

  public HealthThresholds healthThresholds() {
    HealthThresholds d = HealthThresholds.defaults();
    Latency latency = health.latency();
    Long maxMs = latency == null ? null : latency.maxMs();
    if (maxMs != null && maxMs <= 0) {
      throw new IllegalArgumentException("health.latency.maxMs: must be positive, got " + maxMs);
    }
    return new HealthThresholds(
        health.minBatteryPercent() == null ? d.minBatteryPercent() : health.minBatteryPercent(),
        health.maxTemperatureC() == null ? d.maxTemperatureC() : health.maxTemperatureC(),
        maxMs == null ? d.maxLatencyMs() : maxMs);
  }

  /**
   * The robot side as this file sets it up: the trusted keys (a missing or empty key directory fails here, at agent
   * start, not at the first update) and the labels a signed release must target, apply hooks, health thresholds and
   * probes, safe-state rules, sensor sources.
   */
  public RobotSideActivities robotSide() {
    AgentConfig effective = withAppHooksAndHealth();
    return new RobotSideActivities(ReleaseManifestCheck.fromTrustedKeysDir(trustedKeysDirPath(), labels),
        effective.applyHooks(), effective.healthThresholds(), effective.probes(), safeStateRules(), sensorSources(),
        containerApp());
  }

  /** The robot's container app, checked; null when it has none. */
  public ContainerApp containerApp() {
    if (apps.isEmpty()) {
      return null;
    }
    if (apps.size() > 1) {
      throw new IllegalArgumentException("apps: " + apps.size() + " apps; a robot runs one containerized app for now");
    }
    App app = apps.get(0);
    if (app == null) {
      throw new IllegalArgumentException("apps[0]: empty; give name and repository");
    }
    if (app.repository() == null || app.repository().isBlank()) {
      throw new IllegalArgumentException("apps[0].repository: missing, expected the images' repository such as "
          + "registry.example.com/perception");
    }
    String engine = app.engine() == null ? App.DEFAULT_ENGINE : app.engine();
    if (!engine.startsWith("unix:///")) {
      throw new IllegalArgumentException("apps[0].engine: '" + engine + "' is not a Unix socket (unix:///...)");
    }
    String username = null;
    String password = null;
    if (app.registry() != null) {
      if (app.registry().username() == null || app.registry().username().isBlank()) {
        throw new IllegalArgumentException("apps[0].registry.username: missing");
      }
      username = app.registry().username();
      password = readSecret(app.registry().passwordFile(), "apps[0].registry.passwordFile");
    }
    try {
      return new ContainerApp(app.name(), app.repository(), app.tag() == null ? App.DEFAULT_TAG : app.tag(),
          app.keepImages() == null ? ContainerApp.DEFAULT_KEEP_IMAGES : app.keepImages(),
          new ContainerEngine.Connection(engine, username, password));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("apps[0]." + e.getMessage(), e);
    }
  }

  /** This configuration with the app's hooks and health in place of the top-level ones, when it gives them. */
  private AgentConfig withAppHooksAndHealth() {
    if (apps.size() != 1 || apps.get(0) == null) {
      return this;
    }
    App app = apps.get(0);
    if (app.hooks() != null && (!hooks.beforeSwitch().isEmpty() || !hooks.afterSwitch().isEmpty())) {
      throw new IllegalArgumentException("apps[0].hooks: the top-level hooks are set too; give them in one place");
    }
    if (app.health() != null && !health.equals(new Health(null, null, null, null, null, null))) {
      throw new IllegalArgumentException("apps[0].health: the top-level health is set too; give it in one place");
    }
    return new AgentConfig(robotId, labels, dataDir, temporal, trustedKeysDir, safeState,
        app.hooks() != null ? app.hooks() : hooks, app.health() != null ? app.health() : health, telemetryInterval,
        telemetrySendInterval, controlPlane, sensors, mission, metrics, tracing, apps);
  }

  private static String readSecret(String file, String field) {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException(field + ": missing, expected a file holding the password or token");
    }
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(field + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Where the robot's readings come from: {@code sensors} in order, or {@code <dataDir>/sensors.json}. */
  public SensorSources sensorSources() {
    List<SensorSource> sources = new ArrayList<>();
    if (sensors == null) {
      sources.add(RobotSensors.source(dataDirPath()));
    } else if (sensors.isEmpty()) {
      throw new IllegalArgumentException("sensors: empty; list a source, or leave sensors out to read "
          + "<dataDir>/" + RobotSensors.FILE);
    } else {
      for (int i = 0; i < sensors.size(); i++) {
        sources.add(source(sensors.get(i), "sensors[" + i + "]", "sensor",
            List.of("sysfs", "command", "http", "file")));
      }
    }
    return new SensorSources(sources, mission == null ? null
        : source(mission, "mission", "mission", List.of("lockFile", "command", "http", "file")));
  }

  /** @param kind what the source is for, in the error when its type does not fit: sensor or mission */
  private static SensorSource source(Source source, String field, String kind, List<String> types) {
    String expected = "expected one of " + String.join(", ", types);
    if (source == null || source.type() == null || source.type().isBlank()) {
      throw new IllegalArgumentException(field + ".type: missing, " + expected);
    }
    if (!types.contains(source.type())) {
      throw new IllegalArgumentException(field + ".type: '" + source.type() + "' is not a " + kind + " source, "
          + expected);
    }
    Clock clock = Clock.systemUTC();
    return switch (source.type()) {
      case "sysfs" -> {
        onlyFields(source, field, "root");
        yield new SysfsSource(Path.of(source.root() == null ? "/" : source.root()));
      }
      case "command" -> {
        onlyFields(source, field, "command", "timeout", "maxAge");
        if (source.command() == null || source.command().isBlank()) {
          throw new IllegalArgumentException(field + ".command: missing");
        }
        yield new CommandSource(source.command(), duration(source.timeout(), Duration.ofSeconds(10),
            field + ".timeout"), maxAge(source, field), clock);
      }
      case "http" -> {
        onlyFields(source, field, "url", "timeout", "maxAge");
        if (source.url() == null || !source.url().matches("https?://.+")) {
          throw new IllegalArgumentException(field + ".url: expected an http:// or https:// URL, got " + source.url());
        }
        yield new HttpSource(source.url(), duration(source.timeout(), Duration.ofSeconds(5), field + ".timeout"),
            maxAge(source, field), clock);
      }
      case "file" -> {
        onlyFields(source, field, "path", "maxAge");
        yield new FileSource(path(source, field), maxAge(source, field), clock);
      }
      case "lockFile" -> {
        onlyFields(source, field, "path");
        yield new LockFileSource(path(source, field));
      }
      default -> throw new IllegalStateException("type checked above: " + source.type());
    };
  }

  /** A field the type does not use is a mistake (a path meant for another source, say), not something to ignore. */
  private static void onlyFields(Source source, String field, String... used) {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("root", source.root());
    given.put("path", source.path());
    given.put("command", source.command());
    given.put("url", source.url());
    given.put("timeout", source.timeout());
    given.put("maxAge", source.maxAge());
    given.keySet().removeAll(List.of(used));
    given.values().removeIf(Objects::isNull);
    if (!given.isEmpty()) {
      throw new IllegalArgumentException(field + "." + given.keySet().iterator().next() + ": not used by a "
          + source.type() + " source");
    }
  }

  private static Path path(Source source, String field) {
    if (source.path() == null || source.path().isBlank()) {
      throw new IllegalArgumentException(field + ".path: missing");
    }
    return Path.of(source.path());
  }

  private static Duration maxAge(Source source, String field) {
    return duration(source.maxAge(), Duration.ofMinutes(1), field + ".maxAge");
  }

  private static Duration duration(String value, Duration otherwise, String field) {
    return value == null ? otherwise : Durations.parsePositive(value, field);
  }

  /** Hooks around the switch and the kill switch apply obeys. */
  public ApplyHooks applyHooks() {
    Duration timeout = hooks.timeout() == null ? ApplyHooks.DEFAULT_TIMEOUT
        : Durations.parsePositive(hooks.timeout(), "hooks.timeout");
    requireCommands(hooks.beforeSwitch(), "hooks.beforeSwitch");
    requireCommands(hooks.afterSwitch(), "hooks.afterSwitch");
    return new ApplyHooks(hooks.beforeSwitch(), hooks.afterSwitch(), timeout, safeStateRules().killSwitchFile());
  }

  private static void requireCommands(List<String> commands, String field) {
    for (int i = 0; i < commands.size(); i++) {
      if (commands.get(i) == null || commands.get(i).isBlank()) {
        throw new IllegalArgumentException(field + "[" + i + "]: empty command");
      }
    }
  }

  /** The probes beyond battery, temperature and service. */
  public List<HealthProbe> probes() {
    List<HealthProbe> probes = new ArrayList<>();
    Latency latency = health.latency();
    if (latency != null && latency.host() != null) {
      if (latency.port() == null || latency.port() < 1 || latency.port() > 65535) {
        throw new IllegalArgumentException("health.latency.port: expected a port 1-65535, got " + latency.port());
      }
      probes.add(HealthProbe.tcpLatency(latency.host(), latency.port(), healthThresholds().maxLatencyMs()));
    }
    for (int i = 0; i < health.systemdUnits().size(); i++) {
      String unit = health.systemdUnits().get(i);
      if (unit == null || unit.isBlank()) {
        throw new IllegalArgumentException("health.systemdUnits[" + i + "]: empty unit name");
      }
      probes.add(HealthProbe.systemdUnit(unit));
    }
    for (int i = 0; i < health.httpChecks().size(); i++) {
      HttpCheck check = health.httpChecks().get(i);
      String field = "health.httpChecks[" + i + "]";
      if (check == null || check.url() == null || !check.url().matches("https?://.+")) {
        throw new IllegalArgumentException(field + ".url: expected an http:// or https:// URL, got "
            + (check == null ? null : check.url()));
      }
      Duration timeout = check.timeout() == null ? Duration.ofSeconds(5)
          : Durations.parsePositive(check.timeout(), field + ".timeout");
      probes.add(HealthProbe.http(check.url(), timeout));
    }
    for (int i = 0; i < health.commands().size(); i++) {
      CommandCheck check = health.commands().get(i);
      String field = "health.commands[" + i + "]";
      if (check == null || check.command() == null || check.command().isBlank()) {
        throw new IllegalArgumentException(field + ".command: missing");
      }
      Duration timeout = check.timeout() == null ? Duration.ofSeconds(30)
          : Durations.parsePositive(check.timeout(), field + ".timeout");
      String name = check.name() == null || check.name().isBlank() ? "command" : check.name();
      probes.add(HealthProbe.command(name, check.command(), timeout));
    }
    return List.copyOf(probes);
  }
}
