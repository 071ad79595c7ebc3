package io.otaflow.cli;

import io.otaflow.signing.ArtifactDigest;
import io.otaflow.signing.ManifestSigner;
import io.otaflow.signing.ReleaseManifest;
import io.otaflow.signing.SignedManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

// No mixinStandardHelpOptions: its -V/--version would take --version from the release version.
@Command(name = "sign",
    description = {"Signs a release manifest: computes the artifact's SHA-256 and size and writes them, with the "
        + "version, release number, target labels and expiry, signed with an Ed25519 key.",
        "The public key is read from the .pub file next to the private key."})
final class ReleaseSignCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--key", required = true, paramLabel = "FILE", description = "Private key file (NAME.key).")
  Path key;

  @Option(names = "--version", required = true, paramLabel = "VERSION", description = "Release version.")
  String version;

  @Option(names = "--artifact", required = true, paramLabel = "FILE", description = "The release artifact.")
  Path artifact;

  @Option(names = "--release-number", required = true, paramLabel = "N",
      description = "Release number, higher than every earlier release's.")
  long releaseNumber;

  @Option(names = "--expires-in", defaultValue = "30d", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long robots accept the manifest: 30d, 12h, 90m, 45s or ISO-8601 like PT36H "
          + "(default: ${DEFAULT-VALUE}).")
  Duration expiresIn;

  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Target label; repeat for more.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--rollback", description = "Sign as a rollback: robots on a higher release number accept it.")
  boolean rollback;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the manifest.")
  Path out;

  @Override
  public Integer call() {
    if (releaseNumber < 0) {
      throw new ParameterException(spec.commandLine(), "--release-number must not be negative, was " + releaseNumber);
    }
    if (version.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--version must not be blank");
    }
    PrintWriter err = spec.commandLine().getErr();
    Path publicFile = ManifestSigner.publicKeyFile(key);
    for (Path file : new Path[] {key, publicFile, artifact}) {
      if (!Files.isRegularFile(file)) {
        err.println("otaflow: " + describe(file) + " " + file + " not found");
        return 1;
      }
    }
    SignedManifest signed;
    try {
      PrivateKey privateKey = ManifestSigner.readPrivateKey(key);
      PublicKey publicKey = ManifestSigner.readPublicKey(publicFile);
      ReleaseManifest manifest = new ReleaseManifest(version, ArtifactDigest.sha256Hex(artifact),
          Files.size(artifact), labels, Instant.now().plus(expiresIn).truncatedTo(ChronoUnit.SECONDS),
          releaseNumber, rollback);
      signed = ManifestSigner.sign(manifest, privateKey, publicKey);
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      signed.write(out);
    } catch (IOException | RuntimeException e) {
      err.println("otaflow: " + e.getMessage());
      return 1;
    }
    ReleaseManifest manifest = signed.manifest();
    PrintWriter say = spec.commandLine().getOut();
    say.println("Signed release " + manifest.version() + " (release number " + manifest.releaseNumber()
        + (manifest.rollback() ? ", rollback" : "") + ") with key " + signed.keyId());
    say.println("  artifact:  " + artifact + ", " + manifest.sizeBytes() + " bytes, sha256 "
        + manifest.artifactSha256());
    say.println("  labels:    " + (manifest.targetLabels().isEmpty() ? "(none: every robot)"
        : manifest.targetLabels().toString()));
    say.println("  expires:   " + manifest.expiresAt());
    say.println("Wrote " + out);
    say.flush();
    return 0;
  }

  private String describe(Path file) {
    if (file.equals(key)) {
      return "private key";
    }
    return file.equals(artifact) ? "artifact" : "public key (expected next to the private key)";
  }
}
