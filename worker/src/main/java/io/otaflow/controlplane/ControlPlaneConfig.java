package io.otaflow.controlplane;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.otaflow.registry.FleetActivities;
import io.otaflow.registry.FleetDatabase;
import io.otaflow.registry.FleetRegistry;
import io.otaflow.registry.JdbiFleetActivities;
import io.otaflow.registry.JdbiRegistryActivities;
import io.otaflow.registry.RegistryActivities;
import io.otaflow.registry.RobotTelemetryStore;
import io.otaflow.worker.temporal.TemporalTls;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.spring.boot.WorkerOptionsCustomizer;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class ControlPlaneConfig {

  /** The registry database: {@code otaflow.database.url} when set, else an H2 file under {@code otaflow.data-dir}. */
  @Bean
  Jdbi fleetJdbi(@Value("${otaflow.database.url:}") String url,
                 @Value("${otaflow.database.user:sa}") String user,
                 @Value("${otaflow.database.password:}") String password,
                 @Value("${otaflow.data-dir:./.otaflow/data}") Path dataDir) {
    return FleetDatabase.open(url.isBlank() ? FleetDatabase.h2FileUrl(dataDir) : url, user, password);
  }

  @Bean
  FleetRegistry fleetRegistry(Jdbi fleetJdbi) {
    return new FleetRegistry(fleetJdbi);
  }

  /** Named in application.yml ({@code activity-beans}); the workflows call it as local activities. */
  @Bean
  RegistryActivities registryActivities(FleetRegistry fleetRegistry) {
    return new JdbiRegistryActivities(fleetRegistry);
  }

  /** Named in application.yml ({@code activity-beans}); robot agents reach it through RobotRegistrationWorkflow. */
  @Bean
  FleetActivities fleetActivities(FleetRegistry fleetRegistry, RobotTelemetryStore robotTelemetryStore) {
    return new JdbiFleetActivities(fleetRegistry, robotTelemetryStore);
  }

  @Bean
  RobotTelemetryStore robotTelemetryStore(Jdbi fleetJdbi) {
    return new RobotTelemetryStore(fleetJdbi);
  }

  /** Signs releases registered without a manifest when {@code otaflow.signing.key-file} names a private key. */
  @Bean
  RolloutService rolloutService(FleetRegistry fleetRegistry, WorkflowClient workflowClient,
                                @Value("${otaflow.signing.key-file:}") String signingKeyFile,
                                @Value("${otaflow.signing.manifest-validity:30d}") Duration manifestValidity) {
    ReleaseSigningKey signingKey = signingKeyFile.isBlank() ? null
        : ReleaseSigningKey.fromKeyFile(Path.of(signingKeyFile), manifestValidity);
    return new RolloutService(fleetRegistry, workflowClient, signingKey);
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
