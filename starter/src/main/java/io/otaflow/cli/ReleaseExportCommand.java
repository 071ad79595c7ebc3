package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.controlplane.images.ImageRegistryClient;
import io.otaflow.release.ImageReference;
import io.otaflow.release.Release;
import io.otaflow.robot.ReleaseBundle;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Writes a registered release to one bundle file for robots no network reaches: its signed manifest "
        + "and its artifact, downloaded from the release's URL (checked against its size and SHA-256 on the way).",
        "A container image release is fetched from its registry by digest and carried as an OCI image archive "
            + "(--insecure-registry and --registry-auth as for otaflow server).",
        "On the robot: otaflow-agent install --bundle FILE."})
final class ReleaseExportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ControlPlaneOptions controlPlane;

  @Parameters(paramLabel = "VERSION", description = "The release.")
  String version;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The bundle to write, such as release-2.0.0.otaflow (replaced if it exists).")
  Path out;

  @Mixin
  ImageRegistryOptions registries = new ImageRegistryOptions();

  @Override
  public Integer call() throws Exception {
    JsonNode view = controlPlane.client().get("/api/v1/releases/" + ControlPlaneClient.encode(version)).body();
    Release release = new Release(view.path("version").asText(),
        view.hasNonNull("artifactUrl") ? view.get("artifactUrl").asText() : null,
        view.path("sha256").asText(), view.path("sizeBytes").asLong(), view.path("changelog").asText(""),
        view.hasNonNull("signedManifest") ? view.get("signedManifest").toString() : null,
        view.hasNonNull("image") ? view.get("image").asText() : null);
    if (release.hasImage()) {
      writeImage(release);
    } else {
      writeArchive(release);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println("Wrote " + out + ": release " + version + (view.hasNonNull("releaseNumber")
        ? " (release number " + Listing.text(view, "releaseNumber") + ", signed by key " + Listing.text(view, "keyId")
        + ")" : " (unsigned)") + ", " + (release.hasImage() ? "image " + release.image()
        : release.sizeBytes() + " bytes, sha256 " + release.sha256()) + "; " + Files.size(out) + " bytes in all");
    stdout.println("On the robot: otaflow-agent install --bundle " + out.getFileName() + " --config "
        + "/etc/otaflow/agent.yaml");
    stdout.flush();
    return ExitCodes.OK;
  }

  /** The archive from the release's URL, streamed into the bundle with a progress bar on stderr. */
  private void writeArchive(Release release) throws Exception {
    HttpResponse<InputStream> download = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL).build()
        .send(HttpRequest.newBuilder(URI.create(release.artifactUrl())).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (download.statusCode() != 200) {
      download.body().close();
      throw new IllegalArgumentException("artifact of " + version + ": " + release.artifactUrl() + " answered "
          + download.statusCode());
    }
    try (InputStream counted = ProgressBar.wrap(download.body(), new ProgressBarBuilder().setTaskName(version)
        .setInitialMax(release.sizeBytes()).setUnit(" MiB", 1024 * 1024).setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)))) {
      ReleaseBundle.write(out, release, counted);
    }
  }

  /** The image from its registry by digest, as an OCI archive beside the bundle, then into it. */
  private void writeImage(Release release) throws Exception {
    ImageRegistryClient registry = registries.client();
    ImageReference image = ImageReference.parse(release.image());
    Path archive = out.resolveSibling(out.getFileName() + ".oci.tmp");
    System.err.println("fetching " + release.image() + " from " + image.registry());
    try {
      OciImageArchive.write(registry, image, image.repository() + ":otaflow-" + version, archive, System.err);
      ReleaseBundle.writeImage(out, release, archive);
    } finally {
      Files.deleteIfExists(archive);
    }
  }
}
