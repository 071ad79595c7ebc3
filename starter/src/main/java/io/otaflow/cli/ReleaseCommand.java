package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "release", mixinStandardHelpOptions = true,
    description = "Prepares releases for rollout, registers them with the control plane, lists and shows them.",
    subcommands = {ReleaseSignCommand.class, ReleasePublishCommand.class, ReleaseExportCommand.class})
final class ReleaseCommand {

  private static final Listing.Table TABLE = new Listing.Table("%-14s %-8s %12s  %s%n",
      List.of("VERSION", "NUMBER", "BYTES", "ARTIFACT"), release -> List.of(Listing.text(release, "version"),
          Listing.text(release, "releaseNumber"), Listing.text(release, "sizeBytes"),
          artifact(release)));

  @Spec
  CommandSpec spec;

  /** What {@code release show} and {@code release publish} say of the artifact: an archive's URL, or the image. */
  static String artifactLine(JsonNode release) {
    return release.hasNonNull("image")
        ? "  image:    " + Listing.text(release, "image") + ", " + Listing.text(release, "sizeBytes") + " bytes"
        : "  artifact: " + Listing.text(release, "artifactUrl") + ", " + Listing.text(release, "sizeBytes")
            + " bytes, sha256 " + Listing.text(release, "sha256");
  }

  /** The archive's URL, or the image by digest. */
  private static String artifact(JsonNode release) {
    return Listing.text(release, release.hasNonNull("image") ? "image" : "artifactUrl");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists registered releases, newest first.")
  int list(@Mixin ControlPlaneOptions controlPlane, @Mixin Listing.Options listing) throws Exception {
    return Listing.print(controlPlane.client(), "/api/v1/releases", listing, TABLE,
        "No release registered yet: otaflow release publish.", spec.commandLine().getOut());
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows a registered release: its artifact, digest, size, signature and changelog.")
  int show(@Parameters(paramLabel = "VERSION", description = "The release.") String version,
           @Option(names = "--json", description = "Print it as JSON.") boolean json,
           @Mixin ControlPlaneOptions controlPlane) throws Exception {
    JsonNode release = controlPlane.client().get("/api/v1/releases/" + ControlPlaneClient.encode(version)).body();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(ControlPlaneClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(release));
    } else {
      out.println("release " + Listing.text(release, "version") + (release.hasNonNull("releaseNumber")
          ? " (release number " + Listing.text(release, "releaseNumber") + ", signed by key "
          + Listing.text(release, "keyId") + ")" : " (unsigned)"));
      out.println(artifactLine(release));
      out.println("  changelog: " + Listing.text(release, "changelog"));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
