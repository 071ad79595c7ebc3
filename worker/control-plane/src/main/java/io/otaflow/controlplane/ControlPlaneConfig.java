package io.otaflow.controlplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.otaflow.analysis.AnalysisActivities;
import io.otaflow.controlplane.analysis.AnalysisSettings;
import io.otaflow.controlplane.analysis.PrometheusAnalysisActivities;
import io.otaflow.controlplane.analysis.PrometheusClient;
import io.otaflow.controlplane.images.ImageRegistryClient;
import io.otaflow.controlplane.images.RegistryAuthFile;
import io.otaflow.fleet.FleetActivities;
import io.otaflow.registry.ApiTokenRepository;
import io.otaflow.registry.AuditLog;
import io.otaflow.registry.FleetDatabase;
import io.otaflow.registry.JdbiFleetActivities;
import io.otaflow.registry.JdbiRobotStateActivities;
import io.otaflow.registry.JdbiRolloutRegistryActivities;
import io.otaflow.registry.KillSwitchRepository;
import io.otaflow.registry.RegistryCounts;
import io.otaflow.registry.ReleaseRepository;
import io.otaflow.registry.RobotLeases;
import io.otaflow.registry.RobotRepository;
import io.otaflow.registry.RobotVersionHistory;
import io.otaflow.registry.RolloutEventLog;
import io.otaflow.registry.RolloutRepository;
import io.otaflow.registry.RolloutRobotRepository;
import io.otaflow.registry.TelemetryRepository;
import io.otaflow.robotupdate.RobotStateActivities;
import io.otaflow.rollout.RolloutRegistryActivities;
import io.otaflow.wire.TemporalTls;
import io.otaflow.wire.WireJson;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.spring.boot.WorkerOptionsCustomizer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class ControlPlaneConfig {

  /**
   * The registry database: {@code otaflow.database.url} when set (a HikariCP pool of at most
   * {@code otaflow.database.max-pool-size} connections), else an H2 file under {@code otaflow.data-dir}. Spring closes
   * its pool with the context (the inferred destroy method, {@code close}).
   */
  @Bean
  FleetDatabase fleetDatabase(@Value("${otaflow.database.url:}") String url,
                              @Value("${otaflow.database.user:sa}") String user,
                              @Value("${otaflow.database.password:}") String password,
                              @Value("${otaflow.database.max-pool-size:16}") int maxPoolSize,
                              @Value("${otaflow.data-dir:./.otaflow/data}") Path dataDir) {
    return FleetDatabase.connect(url.isBlank() ? FleetDatabase.h2FileUrl(dataDir) : url, user, password, maxPoolSize);
  }

  @Bean
  Jdbi fleetJdbi(FleetDatabase fleetDatabase) {
    return fleetDatabase.jdbi();
  }

  @Bean
  RobotRepository robotRepository(Jdbi fleetJdbi) {
    return new RobotRepository(fleetJdbi, Clock.systemUTC());
  }

  @Bean
  ReleaseRepository releaseRepository(Jdbi fleetJdbi) {
    return new ReleaseRepository(fleetJdbi, Clock.systemUTC());
  }

  @Bean
  RolloutRepository rolloutRepository(Jdbi fleetJdbi) {
    return new RolloutRepository(fleetJdbi, Clock.systemUTC());
  }

  @Bean
  RolloutRobotRepository rolloutRobotRepository(Jdbi fleetJdbi) {
    return new RolloutRobotRepository(fleetJdbi, Clock.systemUTC());
  }

  @Bean
  RobotLeases robotLeases(Jdbi fleetJdbi) {
    return new RobotLeases(fleetJdbi);
  }

  @Bean
  RolloutEventLog rolloutEventLog(Jdbi fleetJdbi) {
    return new RolloutEventLog(fleetJdbi);
  }

  @Bean
  TelemetryRepository telemetryRepository(Jdbi fleetJdbi) {
    return new TelemetryRepository(fleetJdbi, Clock.systemUTC());
  }

  @Bean
  TelemetryIngest telemetryIngest(TelemetryRepository telemetry, MeterRegistry meters) {
    return new TelemetryIngest(telemetry, meters);
  }

  @Bean
  ApiTokenRepository apiTokenRepository(Jdbi fleetJdbi) {
    return new ApiTokenRepository(fleetJdbi, Clock.systemUTC());
  }

  @Bean
  AuditLog auditLog(Jdbi fleetJdbi) {
    return new AuditLog(fleetJdbi, Clock.systemUTC());
  }

  @Bean
  KillSwitchRepository killSwitchRepository(Jdbi fleetJdbi) {
    return new KillSwitchRepository(fleetJdbi, Clock.systemUTC());
  }

  /**
   * The registries image releases are resolved in: {@code otaflow.images.insecure-registries} (comma-separated
   * {@code host:port}, spoken to over plain HTTP) and {@code otaflow.images.auth-file} (credentials as {@code docker
   * login} writes them).
   */
  @Bean
  ImageRegistryClient imageRegistryClient(@Value("${otaflow.images.insecure-registries:}") List<String> insecure,
                                          @Value("${otaflow.images.auth-file:}") String authFile) {
    return new ImageRegistryClient(authFile.isBlank() ? Map.of() : RegistryAuthFile.read(Path.of(authFile)),
        Set.copyOf(insecure), Duration.ofSeconds(30));
  }

  /** Registered on the control-plane worker ({@link ControlPlaneApplication#controlWorker}); local activities. */
  @Bean(ControlPlaneApplication.ROLLOUT_REGISTRY_ACTIVITIES)
  RolloutRegistryActivities rolloutRegistryActivities(RobotRepository robots, RolloutRepository rollouts,
                                                      RolloutRobotRepository rolloutRobots, RobotLeases leases) {
    return new JdbiRolloutRegistryActivities(robots, rollouts, rolloutRobots, leases);
  }

  /** Registered on the control-plane worker; local activities of the robot saga and the rollout's rollback. */
  @Bean(ControlPlaneApplication.ROBOT_STATE_ACTIVITIES)
  RobotStateActivities robotStateActivities(RolloutRobotRepository rolloutRobots) {
    return new JdbiRobotStateActivities(rolloutRobots);
  }

  /** Registered on the control-plane worker; robot agents reach it through RobotRegistrationWorkflow. */
  @Bean(ControlPlaneApplication.FLEET_ACTIVITIES)
  FleetActivities fleetActivities(RobotRepository robots, TelemetryRepository telemetry,
                                  RobotVersionHistory versions) {
    return new JdbiFleetActivities(robots, telemetry, versions);
  }

  /** Each robot's installed-version changes, and the audit trail of its offline installs. */
  @Bean
  RobotVersionHistory robotVersionHistory(Jdbi fleetJdbi) {
    return new RobotVersionHistory(fleetJdbi, Clock.systemUTC());
  }

  /**
   * The Prometheus stage analyses query, from {@code otaflow.analysis.prometheus-url}; absent when it is blank
   * (rollouts whose plan has an analysis are then refused at start).
   */
  @Bean
  AnalysisSettings analysisSettings(@Value("${otaflow.analysis.prometheus-url:}") String prometheusUrl) {
    return new AnalysisSettings(prometheusUrl.isBlank() ? null
        : new PrometheusClient(PrometheusClient.url("otaflow.analysis.prometheus-url", prometheusUrl)));
  }

  /** Registered on the control-plane worker: stage analysis measurements, one Prometheus query each. */
  @Bean(ControlPlaneApplication.ANALYSIS_ACTIVITIES)
  AnalysisActivities analysisActivities(AnalysisSettings analysis, MeterRegistry meters) {
    return new PrometheusAnalysisActivities(analysis.prometheus(), Duration.ofSeconds(1), meters);
  }

  @Bean
  RegistryCounts registryCounts(Jdbi fleetJdbi) {
    return new RegistryCounts(fleetJdbi, Clock.systemUTC());
  }

  /** When a robot counts as stale, hot or low on battery: in the fleet gauges and on the dashboard alike. */
  @Bean
  RegistryMetrics.FleetLimits fleetLimits(@Value("${otaflow.fleet.stale-after:15m}") Duration staleAfter,
                                          @Value("${otaflow.fleet.hot-above-c:80}") double hotAboveC,
                                          @Value("${otaflow.fleet.battery-low-below-percent:20}") double batteryLowBelow,
                                          @Value("${otaflow.metrics.site-label:}") String siteLabel) {
    return new RegistryMetrics.FleetLimits(staleAfter, hotAboveC, batteryLowBelow,
        siteLabel.isBlank() ? null : siteLabel);
  }

  /** otaflow's metrics from the registry, refreshed every {@code otaflow.metrics.refresh}. */
  @Bean
  RegistryMetrics registryMetrics(RegistryCounts counts, RolloutEventLog events, KillSwitchRepository killSwitch,
                                  MeterRegistry meters, RegistryMetrics.FleetLimits limits) {
    return new RegistryMetrics(counts, events, killSwitch, limits, meters);
  }

  @Bean
  KillSwitch killSwitch(KillSwitchRepository stored, RolloutRepository rollouts, WorkflowClient workflowClient) {
    return new KillSwitch(stored, rollouts, workflowClient);
  }

  /**
   * Before the workers start: against a real cluster, refuses to start without otaflow's search attributes (naming the
   * commands that create them); on Temporal's test server, registers them. See {@link SearchAttributeCheck}.
   */
  @Bean
  SearchAttributeCheck searchAttributeCheck(WorkflowServiceStubs temporal, WorkflowClient workflowClient,
                                            @Value("${otaflow.temporal.test-server:false}") boolean testServer) {
    SearchAttributeCheck check = new SearchAttributeCheck(temporal.getOptions(),
        workflowClient.getOptions().getNamespace());
    if (testServer) {
      check.registerOnTestServer();
    } else {
      check.requireRegistered();
    }
    return check;
  }

  /** Runs at start and every minute: see {@link RegistryReconciler}. */
  @Bean
  RegistryReconciler registryReconciler(RolloutRepository rollouts, RolloutRobotRepository rolloutRobots,
                                        WorkflowClient workflowClient, KillSwitch killSwitch) {
    return new RegistryReconciler(rollouts, rolloutRobots, workflowClient, killSwitch, Clock.systemUTC());
  }

  /**
   * The one JSON configuration of what crosses the wire; Spring MVC reads and writes the REST API with it, problem
   * details included (their extra members, like {@code field}, at the top level as RFC 7807 has them).
   */
  @Bean
  ObjectMapper objectMapper() {
    return WireJson.mapper().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class);
  }

  /** Signs releases registered without a manifest when {@code otaflow.signing.key-file} names a private key. */
  @Bean
  RolloutService rolloutService(RobotRepository robots, ReleaseRepository releases, RolloutRepository rollouts,
                                RolloutRobotRepository rolloutRobots, WorkflowClient workflowClient,
                                KillSwitch killSwitch, AnalysisSettings analysis,
                                @Value("${otaflow.signing.key-file:}") String signingKeyFile,
                                @Value("${otaflow.signing.manifest-validity:30d}") Duration manifestValidity) {
    ReleaseSigningKey signingKey = signingKeyFile.isBlank() ? null
        : ReleaseSigningKey.fromKeyFile(Path.of(signingKeyFile), manifestValidity);
    return new RolloutService(robots, releases, rollouts, rolloutRobots, workflowClient, killSwitch, signingKey,
        analysis.prometheus() != null);
  }

  /**
   * The starter's {@code spring.temporal.connection.mtls} trusts only the JVM's CAs; {@code otaflow.temporal.tls.ca-file}
   * replaces its TLS context with one trusting that CA, keeping the mtls client certificate (PKCS#8 files) if any.
   */
  @Bean
  @ConditionalOnProperty(name = "otaflow.temporal.tls.ca-file")
  TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> temporalCa(
      @Value("${otaflow.temporal.tls.ca-file}") Path caFile,
      @Value("${spring.temporal.connection.mtls.cert-chain-file:}") String certChainFile,
      @Value("${spring.temporal.connection.mtls.key-file:}") String keyFile) {
    SslContext ssl;
    try {
      ssl = TemporalTls.sslContext(certChainFile.isBlank() ? null : Path.of(certChainFile),
          keyFile.isBlank() ? null : Path.of(keyFile), caFile);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("otaflow.temporal.tls.ca-file: cannot use " + caFile
          + (keyFile.isBlank() ? "" : " with mtls " + certChainFile + " / " + keyFile) + ": " + e.getMessage(), e);
    }
    return builder -> builder.setSslContext(ssl);
  }

  /**
   * Without a zero sticky timeout, the workflow task after a control-plane crash waits forever on the dead worker's
   * sticky queue when the server is Temporal's test server (it never times sticky tasks out). Only for that server: a
   * real cluster times sticky tasks out itself, and keeps the SDK's default.
   */
  @Bean
  @ConditionalOnProperty(name = "otaflow.temporal.test-server", havingValue = "true")
  WorkerOptionsCustomizer stickyQueueTimeout() {
    return (builder, workerName, taskQueue) -> builder.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
  }
}
