package io.otaflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otaflow.devstack.EmbeddedTemporal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The server's flags become the Spring properties the control plane starts with; a refusal to start is one line. */
class ServerCommandTest {

  @TempDir
  Path temp;

  Path cert;
  Path key;
  Path ca;

  @BeforeEach
  void files() throws Exception {
    cert = Files.writeString(temp.resolve("client.pem"), "cert");
    key = Files.writeString(temp.resolve("client.key"), "key");
    ca = Files.writeString(temp.resolve("ca.pem"), "ca");
  }

  Map<String, String> properties(String... args) {
    ServerCommand server = new ServerCommand();
    new CommandLine(server).parseArgs(args);
    return server.properties(temp);
  }

  @Test
  void withoutSecurityFlagsTheConnectionIsPlain() {
    Map<String, String> properties = properties("--temporal-address", "t:7233");

    assertThat(properties).containsEntry("spring.temporal.connection.target", "t:7233");
    assertThat(properties.keySet()).noneMatch(key -> key.startsWith("spring.temporal.connection.mtls")
        || key.equals("spring.temporal.connection.api-key") || key.startsWith("otaflow.temporal.tls"));
  }

  @Test
  void mutualTlsFlagsMapToTheStarterAndTheCaFile() {
    assertThat(properties("--tls-cert", cert.toString(), "--tls-key", key.toString(), "--tls-ca", ca.toString(),
        "--tls-server-name", "temporal.internal")).containsAllEntriesOf(Map.of(
        "spring.temporal.connection.mtls.cert-chain-file", cert.toString(),
        "spring.temporal.connection.mtls.key-file", key.toString(),
        "spring.temporal.connection.mtls.server-name", "temporal.internal",
        "otaflow.temporal.tls.ca-file", ca.toString()));
  }

  @Test
  void apiKeyIsReadFromItsFile() throws Exception {
    Path apiKey = Files.writeString(temp.resolve("api-key"), "secret-key\n");

    assertThat(properties("--api-key-file", apiKey.toString(), "--tls-ca", ca.toString()))
        .containsEntry("spring.temporal.connection.api-key", "secret-key")
        .containsEntry("otaflow.temporal.tls.ca-file", ca.toString())
        .doesNotContainKey("spring.temporal.connection.mtls.key-file");
  }

  @Test
  void badCombinationsAreParameterErrors() throws Exception {
    Path empty = Files.writeString(temp.resolve("empty-key"), " \n");

    assertBad("--tls-cert and --tls-key go together: the client certificate chain and its private key",
        "--tls-cert", cert.toString());
    assertBad("--tls-key: " + temp.resolve("nope.key") + " does not exist or is not readable",
        "--tls-cert", cert.toString(), "--tls-key", temp.resolve("nope.key").toString());
    assertBad("--tls-server-name needs --tls-cert and --tls-key", "--tls-server-name", "temporal.internal");
    assertBad("--tls-ca: " + temp.resolve("nope.pem") + " does not exist or is not readable",
        "--tls-ca", temp.resolve("nope.pem").toString());
    assertBad("--api-key-file: " + empty + " is empty", "--api-key-file", empty.toString());
  }

  @Test
  void theSecurityFlagsBecomeTheControlPlanesProperties() throws Exception {
    Map<String, String> properties = properties("--admin-token-file", "secrets/admin", "--oidc-issuer",
        "https://idp.example.com/realms/acme", "--oidc-audience", "otaflow", "--oidc-roles-claim", "groups",
        "--metrics-port", "9100");

    assertThat(properties).containsEntry("otaflow.security.admin-token-file",
        Path.of("secrets/admin").toAbsolutePath().toString())
        .containsEntry("otaflow.oidc.issuer", "https://idp.example.com/realms/acme")
        .containsEntry("otaflow.oidc.audience", "otaflow")
        .containsEntry("otaflow.oidc.roles-claim", "groups")
        .containsEntry("otaflow.oidc.user-claim", "preferred_username")
        .containsEntry("management.server.port", "9100")
        .containsEntry("management.server.address", "127.0.0.1");
  }

  @Test
  void prometheusUrlBecomesTheAnalysisPropertyAndABadOneIsAParameterError() {
    assertThat(properties("--prometheus-url", "http://127.0.0.1:9090"))
        .containsEntry("otaflow.analysis.prometheus-url", "http://127.0.0.1:9090");
    assertThat(properties()).doesNotContainKey("otaflow.analysis.prometheus-url");
    assertBad("--prometheus-url: '127.0.0.1:9090' is not an http(s) URL like http://127.0.0.1:9090",
        "--prometheus-url", "127.0.0.1:9090");
  }

  /** A control plane that refuses to start says why in one line, not inside Spring's bean-creation errors. */
  @Test
  void anOtlpEndpointTurnsTracingOnAndMustBeAUrl() {
    assertThat(properties("--otlp-endpoint", "http://collector:4318"))
        .containsEntry("otaflow.tracing.otlp-endpoint", "http://collector:4318");
    assertThat(properties()).doesNotContainKey("otaflow.tracing.otlp-endpoint");
    assertBad("--otlp-endpoint: 'collector:4318' is not an http:// or https:// URL of an OTLP collector (such as "
        + "http://127.0.0.1:4318)", "--otlp-endpoint", "collector:4318");
  }

  @Test
  void aRefusalToStartIsOneLine() throws Exception {
    Path badToken = Files.writeString(temp.resolve("admin-token"), "hunter2");
    StringWriter err = new StringWriter();
    try (EmbeddedTemporal temporal = EmbeddedTemporal.start()) {
      int exit = Otaflow.commandLine().setErr(new PrintWriter(err)).execute("server", "--test-server",
          "--temporal-address", temporal.target(), "--data-dir", temp.resolve("data").toString(), "--http-port", "0", "--metrics-port", "0",
          "--admin-token-file", badToken.toString());

      assertThat(exit).isEqualTo(ExitCodes.ERROR);
    }
    assertThat(err.toString()).isEqualTo("otaflow: the control plane did not start: admin token file " + badToken
        + ": not an otaflow API token (otaflow_<16 characters>_<43 characters>); delete the file and the server writes"
        + " a new token there" + System.lineSeparator());
  }

  private void assertBad(String message, String... args) {
    assertThatThrownBy(() -> properties(args)).isInstanceOf(ParameterException.class).hasMessage(message);
  }
}
