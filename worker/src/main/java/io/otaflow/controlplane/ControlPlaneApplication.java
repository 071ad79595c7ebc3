package io.otaflow.controlplane;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The control plane: the Temporal worker on {@code otaflow-control} (rollout and robot workflows, registry local
 * activities) plus the fleet registry and {@link RolloutService}. The worker is declared in application.yml because
 * the workflow implementations live in the SDK-only workflows module and carry no Spring annotations.
 */
@SpringBootApplication
public class ControlPlaneApplication {

  public static void main(String[] args) {
    SpringApplication.run(ControlPlaneApplication.class, args);
  }

  /**
   * Starts the control plane inside the calling process with {@code properties} overriding application.yml (passed
   * as command-line arguments: default properties would rank below it). Returns once the Temporal workers are
   * polling: they start on ApplicationReadyEvent, before run returns.
   */
  public static ConfigurableApplicationContext start(Map<String, String> properties) {
    String[] args = properties.entrySet().stream()
        .map(property -> "--" + property.getKey() + "=" + property.getValue())
        .toArray(String[]::new);
    return new SpringApplicationBuilder(ControlPlaneApplication.class).run(args);
  }
}
