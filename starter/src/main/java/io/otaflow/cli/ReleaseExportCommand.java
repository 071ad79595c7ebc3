package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.otaflow.release.Release;
import io.otaflow.robot.ReleaseBundle;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        "On the robot: otaflow-agent install --bundle FILE. Archive releases only for now."})
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

  @Override
  public Integer call() throws Exception {
    JsonNode view = controlPlane.client().get("/api/v1/releases/" + ControlPlaneClient.encode(version)).body();
    Release release = new Release(view.path("version").asText(), Listing.text(view, "artifactUrl"),
        view.path("sha256").asText(), view.path("sizeBytes").asLong(), view.path("changelog").asText(""),
        view.hasNonNull("signedManifest") ? view.get("signedManifest").toString() : null,
        view.hasNonNull("image") ? view.get("image").asText() : null);
    if (release.hasImage()) {
      throw new IllegalArgumentException("release " + version + " is a container image (" + release.image()
          + "): bundles carry archive releases only for now");
    }
    HttpResponse<InputStream> download = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL).build()
        .send(HttpRequest.newBuilder(URI.create(release.artifactUrl())).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (download.statusCode() != 200) {
      download.body().close();
      throw new IllegalArgumentException("artifact of " + version + ": " + release.artifactUrl() + " answered "
          + download.statusCode());
    }
    // The bar on stderr, as the rollout watcher's: stdout keeps only the result.
    try (InputStream counted = ProgressBar.wrap(download.body(), new ProgressBarBuilder().setTaskName(version)
        .setInitialMax(release.sizeBytes()).setUnit(" MiB", 1024 * 1024).setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err)))) {
      ReleaseBundle.write(out, release, counted);
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.println("Wrote " + out + ": release " + version + (view.hasNonNull("releaseNumber")
        ? " (release number " + Listing.text(view, "releaseNumber") + ", signed by key " + Listing.text(view, "keyId")
        + ")" : " (unsigned)") + ", " + release.sizeBytes() + " bytes, sha256 " + release.sha256());
    stdout.println("On the robot: otaflow-agent install --bundle " + out.getFileName() + " --config "
        + "/etc/otaflow/agent.yaml");
    stdout.flush();
    return ExitCodes.OK;
  }
}
