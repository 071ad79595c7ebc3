package io.otaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otaflow.signing.ArtifactDigest;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

// No mixinStandardHelpOptions: its -V/--version would take --version from the release version.
@Command(name = "publish",
    description = {"Registers a release with a running control plane (otaflow server).",
        "With --manifest, the version, SHA-256 and size come from the signed manifest (otaflow release sign) and the "
            + "manifest is attached; the control plane refuses it if it does not match.",
        "With --version and --artifact, the SHA-256 and size are computed from the local artifact, and the control "
            + "plane signs the manifest itself if it runs with --signing-key (for robots with --label, under the "
            + "next release number).",
        "With --version and --image, the control plane resolves the image (by tag or digest) in its registry once, "
            + "and registers and signs it by digest only."})
final class ReleasePublishCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ControlPlaneOptions controlPlane;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--artifact-url", paramLabel = "URL",
      description = "Where robots download the artifact (http or https); not with --image.")
  String artifactUrl;

  @Option(names = "--image", paramLabel = "IMAGE",
      description = "A container image release: registry/repository:tag or registry/repository@sha256:<digest>.")
  String image;

  @Option(names = "--manifest", paramLabel = "FILE", description = "Signed manifest written by otaflow release sign.")
  Path manifest;

  @Option(names = "--version", paramLabel = "VERSION", description = "Release version (without --manifest).")
  String version;

  @Option(names = "--artifact", paramLabel = "FILE",
      description = "The release artifact, to compute its SHA-256 and size (without --manifest).")
  Path artifact;

  @Option(names = "--label", paramLabel = "KEY=VALUE",
      description = "Target label for the manifest the control plane signs (without --manifest); repeat for more.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--changelog", paramLabel = "TEXT", defaultValue = "", description = "Free text for people.")
  String changelog;

  @Override
  public Integer call() {
    ObjectNode release = image != null ? fromImage() : manifest != null ? fromManifest() : fromArtifact();
    if (image == null) {
      if (artifactUrl == null) {
        throw new ParameterException(spec.commandLine(), "give --artifact-url URL, or --image IMAGE");
      }
      release.put("artifactUrl", artifactUrl);
    }
    release.put("changelog", changelog);
    ControlPlaneClient.Answer answer = controlPlane.client().post("/api/v1/releases", release);
    JsonNode registered = answer.body();
    PrintWriter say = spec.commandLine().getOut();
    say.println((answer.status() == 201 ? "Registered release " : "Release already registered, identically: ")
        + registered.get("version").asText() + signature(registered));
    say.println(ReleaseCommand.artifactLine(registered));
    say.flush();
    return 0;
  }

  private ObjectNode fromImage() {
    if (artifactUrl != null || artifact != null || manifest != null) {
      throw new ParameterException(spec.commandLine(),
          "--image is the artifact: leave out --artifact-url, --artifact and --manifest");
    }
    if (version == null) {
      throw new ParameterException(spec.commandLine(), "--image needs --version");
    }
    ObjectNode release = ControlPlaneClient.JSON.createObjectNode();
    release.put("version", version);
    release.put("image", image);
    release.set("labels", ControlPlaneClient.JSON.valueToTree(labels));
    return release;
  }

  private ObjectNode fromManifest() {
    if (version != null || artifact != null || !labels.isEmpty()) {
      throw new ParameterException(spec.commandLine(),
          "--manifest already names the version, artifact and labels: leave out --version, --artifact and --label");
    }
    SignedManifest signed = SignedManifest.read(manifest);
    ReleaseManifest content = signed.manifest();
    ObjectNode release = ControlPlaneClient.JSON.createObjectNode();
    release.put("version", content.version());
    release.put("sha256", content.artifactSha256());
    release.put("sizeBytes", content.sizeBytes());
    try {
      release.set("signedManifest", ControlPlaneClient.JSON.readTree(signed.toJson()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot re-read manifest " + manifest, e);
    }
    return release;
  }

  private ObjectNode fromArtifact() {
    if (version == null || artifact == null) {
      throw new ParameterException(spec.commandLine(), "give --manifest FILE, or --version and --artifact");
    }
    if (!Files.isRegularFile(artifact)) {
      throw new ParameterException(spec.commandLine(), "artifact " + artifact + " not found");
    }
    ObjectNode release = ControlPlaneClient.JSON.createObjectNode();
    release.put("version", version);
    try {
      release.put("sha256", ArtifactDigest.sha256Hex(artifact));
      release.put("sizeBytes", Files.size(artifact));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read artifact " + artifact, e);
    }
    release.set("labels", ControlPlaneClient.JSON.valueToTree(labels));
    return release;
  }

  private static String signature(JsonNode release) {
    if (!release.hasNonNull("releaseNumber")) {
      return " (unsigned: no manifest given and the control plane has no signing key)";
    }
    return " (release number " + release.get("releaseNumber").asLong() + ", signed by key "
        + release.get("keyId").asText() + ")";
  }
}
