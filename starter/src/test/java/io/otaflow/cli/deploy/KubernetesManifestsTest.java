package io.otaflow.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/, parsed strictly into fabric8's Kubernetes model: a field the API does not have fails (the model
 * would otherwise keep it in additionalProperties), and the manifests agree with each other and with the control plane.
 */
class KubernetesManifestsTest {

  /** Unknown fields fail: FAIL_ON_UNKNOWN_PROPERTIES, and no any-setter to swallow them. */
  private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .registerModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
        @Override
        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                     BeanDeserializerBuilder builder) {
          builder.setAnySetter(null);
          return builder;
        }
      }));

  private static <T> T manifest(String name, Class<T> type) throws IOException {
    return STRICT.readValue(DeployFiles.file("deploy/kubernetes/" + name).toFile(), type);
  }

  private static Container controlPlane(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void strictParsingRefusesAMisspeltField() throws IOException {
    String deployment = Files.readString(DeployFiles.file("deploy/kubernetes/deployment.yaml"));
    assertThat(deployment).contains("readinessProbe:");

    assertThatThrownBy(() -> STRICT.readValue(deployment.replace("readinessProbe:", "readinesProbe:"), Deployment.class))
        .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("readinesProbe");
  }

  @Test
  void deploymentRunsTheControlPlaneImageNonRootWithProbesOnTheManagementPort() throws IOException {
    Deployment deployment = manifest("deployment.yaml", Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = controlPlane(deployment);

    assertThat(container.getImage()).isEqualTo("registry.example.com/otaflow/control-plane:0.1.0");
    assertThat(container.getArgs()).containsExactly("--spring.profiles.active=production",
        "--spring.config.additional-location=file:/etc/otaflow/config/");
    assertThat(container.getPorts()).extracting(port -> port.getName() + "=" + port.getContainerPort())
        .containsExactly("http=8080", "management=8081");
    for (var probe : new io.fabric8.kubernetes.api.model.Probe[] {container.getStartupProbe(),
        container.getLivenessProbe(), container.getReadinessProbe()}) {
      assertThat(probe.getHttpGet().getPath()).startsWith("/actuator/health");
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

    Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    Map<String, String> mounts = container.getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
    assertThat(volumes.get(mounts.get("/tmp")).getEmptyDir()).isNotNull();
    assertThat(volumes.get(mounts.get("/var/lib/otaflow")).getEmptyDir()).isNotNull();
    assertThat(volumes.get(mounts.get("/etc/otaflow/config")).getConfigMap().getName())
        .isEqualTo("otaflow-control-plane");
    assertThat(volumes.get(mounts.get("/etc/otaflow/secrets")).getSecret().getDefaultMode()).isEqualTo(0440);

    // Scraped by prometheus-scrape-config.yml on the management port.
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry(
        "prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8081")
        .containsEntry("prometheus.io/path", "/actuator/prometheus");
  }

  @Test
  void secretsComeFromTheSecretTemplate() throws IOException {
    Deployment deployment = manifest("deployment.yaml", Deployment.class);
    Secret secret = manifest("secret.template.yaml", Secret.class);
    Map<String, EnvVar> env = controlPlane(deployment).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e));

    assertThat(env.get("OTAFLOW_DATABASE_PASSWORD").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("database-password");
    assertThat(env.get("OTAFLOW_TEMPORAL_API_KEY").getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("temporal-api-key");
    assertThat(env.get("OTAFLOW_TEMPORAL_TARGET").getValue()).endsWith(":7233");
    for (EnvVar fromSecret : env.values()) {
      if (fromSecret.getValueFrom() != null) {
        assertThat(fromSecret.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret.getMetadata().getName());
        assertThat(secret.getStringData()).containsKey(fromSecret.getValueFrom().getSecretKeyRef().getKey());
      }
    }
    Volume secrets = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(volume -> volume.getSecret() != null).findFirst().orElseThrow();
    assertThat(secrets.getSecret().getItems()).allSatisfy(item ->
        assertThat(secret.getStringData()).containsKey(item.getKey()));
    assertThat(secret.getStringData()).containsOnlyKeys("database-password", "admin-token", "temporal-api-key",
        "postgres-ca.pem");
  }

  @Test
  void configMapHoldsProductionSettingsThatMatchTheDeployment() throws IOException {
    ConfigMap configMap = manifest("configmap.yaml", ConfigMap.class);
    JsonNode settings = DeployFiles.YAML.readTree(configMap.getData().get("application-production.yml"));

    assertThat(settings.at("/spring/temporal/connection/target").asText()).isEqualTo("${OTAFLOW_TEMPORAL_TARGET}");
    assertThat(settings.at("/spring/temporal/connection/api-key").asText()).isEqualTo("${OTAFLOW_TEMPORAL_API_KEY:}");
    assertThat(settings.at("/otaflow/database/url").asText()).startsWith("jdbc:postgresql://")
        .contains("sslrootcert=/etc/otaflow/secrets/postgres-ca.pem");
    assertThat(settings.at("/otaflow/database/password").asText()).isEqualTo("${OTAFLOW_DATABASE_PASSWORD}");
    assertThat(settings.at("/otaflow/security/admin-token-file").asText())
        .isEqualTo("/etc/otaflow/secrets/admin-token");
    assertThat(settings.at("/otaflow/data-dir").asText()).isEqualTo("/var/lib/otaflow");
    assertThat(settings.at("/management/server/port").asInt()).isEqualTo(8081);
    assertThat(settings.at("/management/server/address").asText()).isEqualTo("0.0.0.0");
    assertThat(settings.at("/management/endpoints/web/exposure/include").asText()).contains("health", "prometheus");
    assertThat(settings.at("/management/endpoint/health/probes/enabled").asBoolean()).isTrue();
    assertThat(settings.at("/server/port").asInt()).isEqualTo(8080);
  }

  @Test
  void serviceServesTheApiOfTheDeploymentsPods() throws IOException {
    Service service = manifest("service.yaml", Service.class);
    Deployment deployment = manifest("deployment.yaml", Deployment.class);

    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(8080);
      assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
    });
  }

  @Test
  void scrapeConfigKeepsTheAnnotatedControlPlanePods() throws IOException {
    JsonNode job = DeployFiles.yaml("deploy/kubernetes/prometheus-scrape-config.yml").path("scrape_configs").get(0);
    Deployment deployment = manifest("deployment.yaml", Deployment.class);

    assertThat(job.path("kubernetes_sd_configs").get(0).path("role").asText()).isEqualTo("pod");
    JsonNode keepByName = job.path("relabel_configs").get(0);
    assertThat(keepByName.path("source_labels").get(0).asText())
        .isEqualTo("__meta_kubernetes_pod_label_app_kubernetes_io_name");
    assertThat(keepByName.path("action").asText()).isEqualTo("keep");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/name", keepByName.path("regex").asText());
    assertThat(job.path("relabel_configs").toString())
        .contains("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "__metrics_path__",
            "__meta_kubernetes_pod_annotation_prometheus_io_port");
  }
}
