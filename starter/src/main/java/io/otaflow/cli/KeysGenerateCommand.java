package io.otaflow.cli;

import io.otaflow.signing.ManifestSigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generates an Ed25519 release signing key pair: NAME.key (private, mode 600) and NAME.pub "
        + "(public, copy it to every robot's trusted keys).",
        "Existing files are never overwritten. Prints the key id."})
final class KeysGenerateCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the key files, "
      + "created if missing.")
  Path out;

  @Option(names = "--name", defaultValue = "release", paramLabel = "NAME",
      description = "Base name of the key files (default: ${DEFAULT-VALUE}).")
  String name;

  @Override
  public Integer call() {
    if (name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
      throw new ParameterException(spec.commandLine(),
          "--name must be a plain file name without / or a leading dot, was '" + name + "'");
    }
    PrintWriter err = spec.commandLine().getErr();
    Path privateFile = out.resolve(name + ".key");
    Path publicFile = out.resolve(name + ".pub");
    for (Path existing : new Path[] {privateFile, publicFile}) {
      if (Files.exists(existing)) {
        err.println("otaflow: " + existing + " already exists; not overwriting it (choose another --name)");
        return 1;
      }
    }
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      err.println("otaflow: cannot create directory " + out + ": " + e.getMessage());
      return 1;
    }
    KeyPair pair = ManifestSigner.generate();
    try {
      ManifestSigner.writePrivateKey(privateFile, pair.getPrivate());
      ManifestSigner.writePublicKey(publicFile, pair.getPublic());
    } catch (RuntimeException e) {
      err.println("otaflow: " + e.getMessage());
      return 1;
    }
    PrintWriter say = spec.commandLine().getOut();
    say.println("Key id:      " + ManifestSigner.keyId(pair.getPublic()));
    say.println("Private key: " + privateFile + " (keep it secret)");
    say.println("Public key:  " + publicFile + " (install it on robots as a trusted key)");
    say.flush();
    return 0;
  }
}
