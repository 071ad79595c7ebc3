package io.otaflow.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.agent.AgentConfig;
import io.otaflow.agent.RobotAgent;
import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.devstack.TestCertificates.CertificateFiles;
import io.otaflow.registry.RobotRepository;
import io.otaflow.robot.RobotSensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The agent's and the control plane's production connection settings (mTLS, API key over TLS) against a TLS Temporal
 * endpoint: what works registers a robot end to end, what is wrong fails fast naming the address.
 */
@Timeout(120)
class RobotAgentTlsTest {

  private static final String API_KEY = "test-api-key";
  /** Failures come from the start call, bounded by the registration timeout: short, so they come fast. */
  private static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(5);

  @TempDir
  static Path certificateDir;

  @TempDir
  Path dataDir;

  private static TestCertificates certificates;
  private static TlsTestTemporal mutualTls;
  private static TlsTestTemporal apiKey;

  @BeforeAll
  static void startEndpoints() {
    certificates = TestCertificates.newAuthority(certificateDir, "fleet");
    mutualTls = TlsTestTemporal.mutualTls(certificates);
    apiKey = TlsTestTemporal.apiKey(certificates, API_KEY);
  }

  @AfterAll
  static void stopEndpoints() throws InterruptedException {
    mutualTls.close();
    apiKey.close();
  }

  @Test
  void agentRegistersOverMutualTls() {
    CertificateFiles controlPlaneCertificate = certificates.client("control-plane");
    CertificateFiles robotCertificate = certificates.client("r1");
    try (ConfigurableApplicationContext controlPlane = startControlPlane(Map.of(
        "spring.temporal.connection.target", mutualTls.target(),
        "spring.temporal.connection.mtls.cert-chain-file", controlPlaneCertificate.certificate().toString(),
        "spring.temporal.connection.mtls.key-file", controlPlaneCertificate.privateKey().toString()));
         RobotAgent agent = startAgent(mutualTls, new AgentConfig.Tls(
             robotCertificate.certificate().toString(), robotCertificate.privateKey().toString(),
             certificates.caFile().toString()), null, Duration.ofSeconds(30))) {
      assertThat(controlPlane.getBean(RobotRepository.class).robot("r1")).isPresent();
    }
  }

  @Test
  void agentRegistersWithAnApiKey() {
    try (ConfigurableApplicationContext controlPlane = startControlPlane(Map.of(
        "spring.temporal.connection.target", apiKey.target(),
        "spring.temporal.connection.api-key", API_KEY));
         RobotAgent agent = startAgent(apiKey, trustOnly(certificates), API_KEY,
             Duration.ofSeconds(30))) {
      assertThat(controlPlane.getBean(RobotRepository.class).robot("r1")).isPresent();
    }
  }

  @Test
  void wrongApiKeyIsRefusedNamingTheAddress() {
    assertThatThrownBy(() -> startAgent(apiKey, trustOnly(certificates), "not-the-key",
        FAILURE_TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Temporal at " + apiKey.target() + " (namespace default) refused the agent's credentials "
            + "(API key or client certificate): UNAUTHENTICATED: invalid API key");
  }

  @Test
  void serverCertificateFromAnotherCaIsNotTrusted() {
    TestCertificates otherAuthority = TestCertificates.newAuthority(certificateDir, "other");
    CertificateFiles robotCertificate = certificates.client("r1");

    assertThatThrownBy(() -> startAgent(mutualTls, new AgentConfig.Tls(
        robotCertificate.certificate().toString(), robotCertificate.privateKey().toString(),
        otherAuthority.caFile().toString()), null, FAILURE_TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Temporal at " + mutualTls.target() + " (namespace default) presented a certificate the agent "
            + "does not trust (check temporal.tls.caFile): unable to find valid certification path to requested "
            + "target");
  }

  @Test
  void agentWithoutClientCertificateIsRefusedByTheMutualTlsEndpoint() {
    assertThatThrownBy(() -> startAgent(mutualTls, trustOnly(certificates), null, FAILURE_TIMEOUT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("TLS handshake with Temporal at " + mutualTls.target() + " (namespace default) "
            + "failed (does the server accept the agent's client certificate, temporal.tls.certChainFile?): ")
        .hasMessageContaining("CERTIFICATE_REQUIRED");
  }

  @Test
  void certificateFilesThatAreMissingOrNotPemAreNamed() throws Exception {
    Path notPem = Files.writeString(dataDir.resolve("robot.pem"), "not a certificate\n");
    Path missing = dataDir.resolve("missing.key");

    assertThatThrownBy(() -> startAgent(mutualTls, new AgentConfig.Tls(notPem.toString(),
        notPem.toString(), null), null, FAILURE_TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("temporal.tls: cannot use " + notPem + " / " + notPem + ": ");
    // A missing file is caught by the agent's configuration check, before any TLS setup.
    assertThatThrownBy(() -> startAgent(mutualTls, new AgentConfig.Tls(notPem.toString(),
        missing.toString(), certificates.caFile().toString()), null, FAILURE_TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("temporal.tls.keyFile: " + missing + " does not exist or is not readable");
  }

  /** The real control plane, trusting the test CA through otaflow.temporal.tls.ca-file. */
  private ConfigurableApplicationContext startControlPlane(Map<String, String> connection) {
    Map<String, String> properties = new HashMap<>(connection);
    properties.put("otaflow.temporal.tls.ca-file", certificates.caFile().toString());
    properties.put("otaflow.temporal.test-server", "true");
    properties.put("spring.main.web-application-type", "none");
    properties.put("otaflow.data-dir", dataDir.resolve("control").toString());
    return ControlPlaneApplication.start(properties);
  }

  private RobotAgent startAgent(TlsTestTemporal temporal, AgentConfig.Tls tls, String apiKey,
                                Duration registrationTimeout) {
    Path robotDir = dataDir.resolve("robot");
    RobotSensors.healthy().write(robotDir);
    return RobotAgent.start(new AgentConfig("r1", Map.of("site", "lyon"), robotDir.toString(),
        new AgentConfig.Temporal(temporal.target(), "default", tls, apiKey), null, null, null, null, null, null, null,
        null, null, null, null, null),
        registrationTimeout);
  }

  /** TLS that checks the server against the test CA, without a client certificate. */
  private static AgentConfig.Tls trustOnly(TestCertificates authority) {
    return new AgentConfig.Tls(null, null, authority.caFile().toString());
  }
}
