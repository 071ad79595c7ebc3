package io.otaflow.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An unpacked robot agent distribution (worker/agent's build output, or /opt/otaflow-agent on a robot): its launcher,
 * its jars, and the JVM options its own systemd unit starts it with, so that whatever runs it here runs it as robots
 * do.
 */
public record AgentDistribution(Path home) {

  private static final Pattern UNIT_JAVA_OPTS = Pattern.compile("(?m)^Environment=\"JAVA_OPTS=([^\"]*)\"$");

  /** @throws IllegalArgumentException when {@code home} holds no executable {@code bin/otaflow-agent} */
  public AgentDistribution {
    home = home.toAbsolutePath().normalize();
    if (!Files.isExecutable(home.resolve("bin/otaflow-agent"))) {
      throw new IllegalArgumentException("no agent distribution at " + home + " (bin/otaflow-agent): build it with "
          + "mvn -B -pl worker/agent -am package -DskipTests");
    }
  }

  /** {@code lib/}'s jars, by name. */
  public List<Path> jars() {
    try (Stream<Path> files = Files.list(home.resolve("lib"))) {
      return files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + home.resolve("lib"), e);
    }
  }

  /** The value of the {@code Environment="JAVA_OPTS=..."} line of the distribution's {@code systemd/otaflow-agent.service}. */
  public String unitJavaOptions() {
    Path unit = home.resolve("systemd/otaflow-agent.service");
    try {
      Matcher javaOpts = UNIT_JAVA_OPTS.matcher(Files.readString(unit));
      if (!javaOpts.find()) {
        throw new IllegalStateException(unit + " has no line " + UNIT_JAVA_OPTS.pattern());
      }
      return javaOpts.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + unit, e);
    }
  }

  /**
   * {@code bin/otaflow-agent args} as the unit runs it: with the unit's JVM options, on this JVM's java. JNA unpacks
   * its native library into {@code jnaDir} instead of the unit's CacheDirectory, which exists only under systemd.
   */
  public ProcessBuilder launcher(Path jnaDir, List<String> args) {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/otaflow-agent").toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    builder.environment().put("JAVA_OPTS", unitJavaOptions()
        .replaceAll("-Djna\\.tmpdir=\\S+", Matcher.quoteReplacement("-Djna.tmpdir=" + jnaDir)));
    return builder;
  }
}
