package io.otaflow.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.agent.AgentConfig;
import io.otaflow.testtools.ToolsOnPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/compose/compose.yaml: accepted by {@code docker-compose config} (Debian package docker-compose; no container
 * is started, Docker cannot run here) and wired as otaflow runs.
 */
class ComposeFileTest {

  private static final String COMPOSE = "deploy/compose/compose.yaml";
  private static final List<String> SERVICES = List.of("temporal-db", "temporal", "temporal-search-attributes",
      "temporal-ui", "registry-db", "control-plane", "agent-r1", "agent-r2", "agent-r3", "prometheus", "grafana");

  private record Result(int exitCode, String stdout, String stderr) {
  }

  private static Result dockerCompose(Path composeFile, String... args) throws IOException, InterruptedException {
    Path binary = ToolsOnPath.require("docker-compose", "docker-compose");
    Path compose = DeployFiles.file(COMPOSE).getParent();
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--project-directory", compose.toString(),
        "-f", composeFile.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("compose-out", ".txt");
    Path err = Files.createTempFile("compose-err", ".txt");
    try {
      Process process = new ProcessBuilder(command).directory(compose.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("docker-compose config did not answer within 60 s");
      }
      return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void dockerComposeConfigAcceptsTheStackAsOtaflowRunsIt() throws Exception {
    Result result = dockerCompose(DeployFiles.file(COMPOSE), "config");
    assertThat(result.exitCode()).as(result.stderr()).isZero();

    // The normalised file docker-compose would run: anchors merged, paths absolute.
    JsonNode services = DeployFiles.YAML.readTree(result.stdout()).path("services");
    assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(SERVICES);

    JsonNode controlPlane = services.path("control-plane");
    JsonNode env = controlPlane.path("environment");
    assertThat(env.path("OTAFLOW_TEMPORAL_TARGET").asText()).isEqualTo("temporal:7233");
    assertThat(env.path("SPRING_TEMPORAL_NAMESPACE").asText()).isEqualTo("otaflow");
    assertThat(env.path("OTAFLOW_DATABASE_URL").asText()).isEqualTo("jdbc:postgresql://registry-db:5432/otaflow");
    assertThat(env.path("OTAFLOW_SECURITY_ADMIN_TOKEN_FILE").asText()).isEqualTo("/run/secrets/admin-token");
    assertThat(env.path("MANAGEMENT_SERVER_PORT").asText()).isEqualTo("8081");
    assertThat(env.path("MANAGEMENT_SERVER_ADDRESS").asText()).isEqualTo("0.0.0.0");
    assertThat(env.path("SPRING_CONFIG_IMPORT").asText()).isEqualTo("configtree:/run/secrets/");
    assertThat(controlPlane.path("secrets").findValuesAsText("target")).contains("otaflow.database.password");
    assertThat(controlPlane.path("depends_on").path("temporal-search-attributes").path("condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(controlPlane.path("build").path("dockerfile").asText())
        .isEqualTo("deploy/compose/Containerfile.control-plane");
    assertThat(controlPlane.path("healthcheck").path("test").toString()).contains("8081/actuator/health");

    for (String robot : List.of("r1", "r2", "r3")) {
      JsonNode agent = services.path("agent-" + robot);
      List<String> args = new ArrayList<>();
      agent.path("command").forEach(arg -> args.add(arg.asText()));
      assertThat(String.join(" ", args)).as("agent-" + robot)
          .contains("--robot-id " + robot, "--metrics-address 0.0.0.0", "--config /etc/otaflow/agent.yaml");
      assertThat(agent.path("build").path("dockerfile").asText()).isEqualTo("deploy/compose/Containerfile.agent");
      assertThat(agent.path("depends_on").path("control-plane").path("condition").asText())
          .isEqualTo("service_healthy");
    }

    Path root = DeployFiles.repositoryRoot();
    assertThat(services.path("prometheus").path("volumes").toString())
        .contains(root.resolve("deploy/prometheus/prometheus.yml") + ":/etc/prometheus/prometheus.yml")
        .contains(root.resolve("deploy/prometheus/alerts.yml") + ":/etc/prometheus/alerts.yml");
    assertThat(services.path("grafana").path("volumes").toString())
        .contains(root.resolve("deploy/grafana/provisioning") + ":/etc/grafana/provisioning")
        .contains(root.resolve("deploy/grafana/otaflow.json") + ":/var/lib/grafana/dashboards/otaflow/otaflow.json");
  }

  @Test
  void dockerComposeConfigRefusesAMisspeltKey(@TempDir Path dir) throws Exception {
    String compose = Files.readString(DeployFiles.file(COMPOSE), StandardCharsets.UTF_8);
    assertThat(compose).contains("    healthcheck:\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"otaflow\"");
    Path misspelt = dir.resolve("compose.yaml");
    Files.writeString(misspelt, compose.replace(
        "    healthcheck:\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"otaflow\"",
        "    helthcheck:\n      test: [\"CMD\", \"pg_isready\", \"-U\", \"otaflow\""));

    Result result = dockerCompose(misspelt, "config", "-q");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("helthcheck");
  }

  @Test
  void theFilesTheStackMountsExistAndHoldWhatItNeeds() throws Exception {
    JsonNode compose = DeployFiles.yaml(COMPOSE);
    // Every attribute the control plane checks for at start (README: "Search attributes and the Web UI").
    assertThat(compose.path("services").path("temporal-search-attributes").path("volumes").get(0).asText())
        .startsWith("./register-search-attributes.sh:");
    assertThat(Files.readString(DeployFiles.file("deploy/compose/register-search-attributes.sh")))
        .contains("for name in OtaflowRolloutId OtaflowRelease OtaflowRobotId OtaflowStage OtaflowStatus; do")
        .contains("--type Keyword");

    // The agents' configuration is one the real agent loads, with a never-stale, healthy, idle, docked robot.
    AgentConfig agent = AgentConfig.load(DeployFiles.file("deploy/compose/agent/agent.yaml"));
    assertThat(agent.temporal().address()).isEqualTo("temporal:7233");
    assertThat(agent.temporal().namespace()).isEqualTo("otaflow");
    agent.sensorSources();
    JsonNode sensors = DeployFiles.yaml("deploy/compose/agent/sensors.json");
    assertThat(sensors.path("docked").asBoolean()).isTrue();
    assertThat(sensors.path("missionActive").asBoolean()).isFalse();
    assertThat(sensors.path("batteryPercent").asDouble()).isGreaterThanOrEqualTo(40);

    // Secrets are made on the machine, never committed.
    assertThat(compose.path("secrets").path("admin-token").path("file").asText()).isEqualTo("./secrets/admin-token");
    assertThat(Files.readString(DeployFiles.file("deploy/compose/.gitignore")).lines()).contains("secrets/");

    // Grafana's provisioning reads the dashboard where compose mounts it, from the Prometheus service.
    assertThat(DeployFiles.yaml("deploy/grafana/provisioning/dashboards/otaflow.yaml")
        .path("providers").get(0).path("options").path("path").asText())
        .isEqualTo("/var/lib/grafana/dashboards/otaflow");
    assertThat(DeployFiles.yaml("deploy/grafana/provisioning/datasources/prometheus.yaml")
        .path("datasources").get(0).path("url").asText()).isEqualTo("http://prometheus:9090");
  }
}
