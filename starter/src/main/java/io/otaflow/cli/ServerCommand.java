package io.otaflow.cli;

import io.otaflow.controlplane.ControlPlaneApplication;
import io.otaflow.controlplane.ReleaseSigningKey;
import io.otaflow.controlplane.analysis.PrometheusClient;
import io.otaflow.domain.OtaflowNames;
import io.otaflow.observability.Tracing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.beans.BeansException;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Runs the control plane until stopped (Ctrl-C): the Temporal worker on otaflow-control "
        + "(rollouts, robot updates, robot registration), the fleet registry, the REST API and the web dashboard "
        + "(/ui on the HTTP port).",
        "Logs go to <data-dir>/otaflow-server.log; warnings also to stderr."})
final class ServerCommand implements Callable<Integer> {

  @Option(names = "--temporal-address", defaultValue = "127.0.0.1:7233",
      description = "Temporal frontend host:port (default: ${DEFAULT-VALUE}).")
  String temporalAddress;

  @Option(names = "--namespace", defaultValue = "default", description = "Temporal namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--data-dir", defaultValue = "./.otaflow/data",
      description = "Directory for the H2 registry (unless --database-url) and the log (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--database-url", description = "JDBC URL of the registry database (default: H2 under --data-dir).")
  String databaseUrl;

  @Option(names = "--database-user", description = "Registry database user.")
  String databaseUser;

  @Option(names = "--database-password", description = "Registry database password.")
  String databasePassword;

  @Option(names = "--test-server",
      description = "Temporal is the test server (otaflow dev-server): lets a restarted control plane resume workflows.")
  boolean testServer;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "mTLS client certificate chain (PEM) for Temporal; needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "The --tls-cert private key (PKCS#8 PEM).")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA certificate(s) (PEM) the Temporal server's certificate must chain to; turns TLS on "
          + "(default with --tls-cert or --api-key-file: the JVM's trusted CAs).")
  Path tlsCa;

  @Option(names = "--tls-server-name", paramLabel = "NAME",
      description = "Name on the server certificate when it differs from the --temporal-address host; needs --tls-cert.")
  String tlsServerName;

  @Option(names = "--api-key-file", paramLabel = "FILE",
      description = "File holding a Temporal Cloud API key, sent as 'authorization: Bearer <key>'; turns TLS on. "
          + "A file, not a flag, so the key does not show in ps.")
  Path apiKeyFile;

  @Spec
  CommandSpec spec;

  @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Port of the REST API that otaflow release publish, rollout and robots talk to "
          + "(default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int httpPort;

  @Option(names = "--http-address", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address the REST API listens on (default: ${DEFAULT-VALUE}). Every call needs a token; beyond "
          + "loopback, serve it over TLS (a proxy in front, or server.ssl.bundle): see README.md.")
  String httpAddress;

  @Option(names = "--metrics-port", defaultValue = "8081", paramLabel = "PORT",
      description = "Port of /actuator/prometheus and /actuator/health, without a token (default: ${DEFAULT-VALUE}; "
          + "0 picks a free one).")
  int metricsPort;

  @Option(names = "--metrics-address", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address the metrics port listens on (default: ${DEFAULT-VALUE}): beyond loopback only behind a "
          + "network that only Prometheus reaches.")
  String metricsAddress;

  @Option(names = "--otlp-endpoint", paramLabel = "URL",
      description = "OTLP/HTTP collector the control plane's traces go to, such as http://127.0.0.1:4318 (default: $"
          + Tracing.ENDPOINT_VARIABLE + "; neither: no traces).")
  String otlpEndpoint;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "File holding the first admin token, registered (hashed) at start; written there when missing. "
          + "Without it a new admin token is written to DATA_DIR/admin-token whenever no usable one exists.")
  Path adminTokenFile;

  @Option(names = "--oidc-issuer", paramLabel = "URL",
      description = "OpenID Connect issuer whose JWTs are accepted beside API tokens (keys from its discovery "
          + "document).")
  String oidcIssuer;

  @Option(names = "--oidc-audience", paramLabel = "CLIENT_ID",
      description = "Required with --oidc-issuer: the audience (aud) otaflow's tokens are issued for; tokens for the "
          + "company's other applications are refused.")
  String oidcAudience;

  @Option(names = "--oidc-client-secret-file", paramLabel = "FILE",
      description = "With --oidc-issuer: file holding otaflow's client secret at the identity provider, for the "
          + "dashboard's sign-in through it (authorization-code flow). A file, not a flag, so it does not show in ps.")
  Path oidcClientSecretFile;

  @Option(names = "--temporal-web-url", defaultValue = "http://localhost:8233", paramLabel = "URL",
      description = "The Temporal Web UI the dashboard links each rollout's workflow to (default: ${DEFAULT-VALUE}).")
  String temporalWebUrl;

  @Option(names = "--oidc-roles-claim", defaultValue = "roles", paramLabel = "CLAIM",
      description = "JWT claim listing otaflow roles: viewer, release-manager, admin (default: ${DEFAULT-VALUE}).")
  String oidcRolesClaim;

  @Option(names = "--oidc-user-claim", defaultValue = "preferred_username", paramLabel = "CLAIM",
      description = "JWT claim naming the user, else sub (default: ${DEFAULT-VALUE}).")
  String oidcUserClaim;

  @Option(names = "--signing-key", paramLabel = "FILE",
      description = "Private key (NAME.key from otaflow keys generate, NAME.pub beside it) to sign the manifest of "
          + "every release published without one, with the next release number.")
  Path signingKey;

  @Option(names = "--manifest-validity", defaultValue = "30d", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long robots accept a manifest signed with --signing-key (default: ${DEFAULT-VALUE}).")
  Duration manifestValidity;

  @Mixin
  ImageRegistryOptions registries = new ImageRegistryOptions();

  @Option(names = "--prometheus-url", paramLabel = "URL",
      description = "Prometheus that stage analyses query (its HTTP API, like http://127.0.0.1:9090); without it, a "
          + "plan with an analysis is refused.")
  String prometheusUrl;

  @Override
  public Integer call() throws Exception {
    Path dir = dataDir.toAbsolutePath().normalize();
    Files.createDirectories(dir);
    Logging.toFile(dir.resolve("otaflow-server.log"));
    // Read here first so that a missing or wrong key file is one clear line, not a Spring context failure.
    String signing = signingKey == null ? "releases published without a manifest stay unsigned"
        : "signing releases with key " + ReleaseSigningKey.fromKeyFile(signingKey, manifestValidity).keyId();
    ConfigurableApplicationContext context = start(properties(dir));
    Runtime.getRuntime().addShutdownHook(new Thread(context::close, "otaflow-server-shutdown"));
    System.out.println("otaflow control plane connected to Temporal at " + temporalAddress + " (namespace "
        + namespace + "), serving task queue " + OtaflowNames.CONTROL_TASK_QUEUE + "; registry "
        + (databaseUrl == null || databaseUrl.isBlank() ? "H2 under " + dir : DatabaseUrls.withoutSecrets(databaseUrl))
        + "; log " + dir.resolve("otaflow-server.log"));
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    System.out.println("REST API on http://" + httpAddress + ":" + port + " (bearer tokens"
        + (oidcIssuer == null ? "" : " and JWTs from " + oidcIssuer) + "; admin token in "
        + (adminTokenFile != null ? adminTokenFile.toAbsolutePath() : dir.resolve("admin-token")
        + " when none existed") + "); " + signing + "; stage analyses "
        + (prometheusUrl == null ? "refused (no --prometheus-url)" : "query " + prometheusUrl));
    System.out.println("Metrics on http://" + metricsAddress + ":"
        + context.getEnvironment().getProperty("local.management.port") + "/actuator/prometheus (no token)");
    System.out.flush();
    Blocking.untilKilled();
    return 0;
  }

  /**
   * Starts the control plane; a refusal to start (the admin token file, missing search attributes, an unreachable
   * database) is its own one-line reason, not Spring's chain of bean-creation errors around it.
   */
  private static ConfigurableApplicationContext start(Map<String, String> properties) {
    try {
      return ControlPlaneApplication.start(properties);
    } catch (BeansException failed) {
      throw new IllegalStateException("the control plane did not start: "
          + NestedExceptionUtils.getMostSpecificCause(failed).getMessage(), failed);
    }
  }

  Map<String, String> properties(Path dir) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("spring.temporal.connection.target", temporalAddress);
    properties.put("spring.temporal.namespace", namespace);
    properties.put("otaflow.data-dir", dir.toString());
    if (databaseUrl != null && !databaseUrl.isBlank()) {
      properties.put("otaflow.database.url", databaseUrl);
    }
    if (databaseUser != null) {
      properties.put("otaflow.database.user", databaseUser);
    }
    if (databasePassword != null) {
      properties.put("otaflow.database.password", databasePassword);
    }
    if (testServer) {
      properties.put("otaflow.temporal.test-server", "true");
    }
    properties.putAll(temporalSecurity());
    properties.put("server.port", Integer.toString(httpPort));
    properties.put("server.address", httpAddress);
    properties.put("management.server.port", Integer.toString(metricsPort));
    properties.put("management.server.address", metricsAddress);
    if (signingKey != null) {
      properties.put("otaflow.signing.key-file", signingKey.toAbsolutePath().toString());
    }
    properties.put("otaflow.signing.manifest-validity", manifestValidity.toString());
    if (adminTokenFile != null) {
      properties.put("otaflow.security.admin-token-file", adminTokenFile.toAbsolutePath().toString());
    }
    if (oidcIssuer != null) {
      properties.put("otaflow.oidc.issuer", oidcIssuer);
    }
    if (oidcAudience != null) {
      properties.put("otaflow.oidc.audience", oidcAudience);
    }
    if (oidcClientSecretFile != null) {
      properties.put("otaflow.oidc.client-secret-file", oidcClientSecretFile.toAbsolutePath().toString());
    }
    properties.put("otaflow.ui.temporal-web-url", temporalWebUrl);
    registries.addTo(properties);
    if (prometheusUrl != null) {
      try {
        properties.put("otaflow.analysis.prometheus-url",
            PrometheusClient.url("--prometheus-url", prometheusUrl).toString());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    properties.put("otaflow.oidc.roles-claim", oidcRolesClaim);
    properties.put("otaflow.oidc.user-claim", oidcUserClaim);
    if (otlpEndpoint != null) {
      try {
        Tracing.tracesUrl(otlpEndpoint, "--otlp-endpoint");
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      properties.put("otaflow.tracing.otlp-endpoint", otlpEndpoint);
    }
    return properties;
  }

  /** The TLS and API key flags as the starter's spring.temporal.connection properties (CA: ControlPlaneConfig). */
  private Map<String, String> temporalSecurity() {
    Map<String, String> properties = new LinkedHashMap<>();
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ParameterException(spec.commandLine(),
          "--tls-cert and --tls-key go together: the client certificate chain and its private key");
    }
    if (tlsCert != null) {
      properties.put("spring.temporal.connection.mtls.cert-chain-file", readable(tlsCert, "--tls-cert"));
      properties.put("spring.temporal.connection.mtls.key-file", readable(tlsKey, "--tls-key"));
    }
    if (tlsServerName != null) {
      // The starter applies server-name only to an mTLS connection.
      if (tlsCert == null) {
        throw new ParameterException(spec.commandLine(), "--tls-server-name needs --tls-cert and --tls-key");
      }
      properties.put("spring.temporal.connection.mtls.server-name", tlsServerName);
    }
    if (tlsCa != null) {
      properties.put("otaflow.temporal.tls.ca-file", readable(tlsCa, "--tls-ca"));
    }
    if (apiKeyFile != null) {
      String apiKey;
      try {
        apiKey = Files.readString(Path.of(readable(apiKeyFile, "--api-key-file"))).strip();
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "--api-key-file: cannot read " + apiKeyFile + ": "
            + e.getMessage(), e);
      }
      if (apiKey.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--api-key-file: " + apiKeyFile + " is empty");
      }
      properties.put("spring.temporal.connection.api-key", apiKey);
    }
    return properties;
  }

  private String readable(Path file, String option) {
    Path absolute = file.toAbsolutePath().normalize();
    if (!Files.isReadable(absolute) || Files.isDirectory(absolute)) {
      throw new ParameterException(spec.commandLine(), option + ": " + file + " does not exist or is not readable");
    }
    return absolute.toString();
  }
}
