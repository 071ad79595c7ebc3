package io.otaflow.cli;

import io.otaflow.controlplane.images.ImageRegistryClient;
import io.otaflow.controlplane.images.RegistryAuthFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/** How a command reaches container registries: the ones over plain HTTP, and the credentials for the others. */
final class ImageRegistryOptions {

  @Option(names = "--insecure-registry", paramLabel = "HOST:PORT",
      description = "A container registry reached over plain HTTP for image releases; repeat for more.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(names = "--registry-auth", paramLabel = "FILE",
      description = "Registry credentials for image releases, as docker login or podman login write them "
          + "(config.json, auth.json).")
  Path registryAuth;

  /** The control plane's properties for them (its {@code otaflow.images.*}); checks the credentials file reads. */
  void addTo(Map<String, String> properties) {
    if (registryAuth != null) {
      RegistryAuthFile.read(registryAuth);
      properties.put("otaflow.images.auth-file", registryAuth.toAbsolutePath().toString());
    }
    if (!insecureRegistries.isEmpty()) {
      properties.put("otaflow.images.insecure-registries", String.join(",", insecureRegistries));
    }
  }

  /** A client of the registries as these options say. */
  ImageRegistryClient client() {
    return new ImageRegistryClient(registryAuth == null ? Map.of() : RegistryAuthFile.read(registryAuth),
        Set.copyOf(insecureRegistries), Duration.ofSeconds(30));
  }
}
