package io.otaflow.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Containerfiles copy what the Maven build makes: each COPY/ADD source under a module's target/ is the artifact
 * name the module's pom gives (artifactId, version, classifier), and every other source exists in the repository.
 */
class ContainerfilesTest {

  private static final Pattern ARG = Pattern.compile("^ARG\\s+(\\w+)=(\\S+)$");
  private static final Pattern COPY = Pattern.compile("^(COPY|ADD)\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)$");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}");

  private record Copy(String source, String destination) {
  }

  /** COPY and ADD lines with single sources, ARG defaults substituted. */
  private static List<Copy> copies(String containerfile) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    List<Copy> copies = new ArrayList<>();
    for (String line : Files.readAllLines(DeployFiles.file(containerfile))) {
      Matcher arg = ARG.matcher(line.strip());
      if (arg.matches()) {
        args.put(arg.group(1), arg.group(2));
      }
      Matcher copy = COPY.matcher(line.strip());
      if (copy.matches()) {
        copies.add(new Copy(substitute(copy.group(2), args, containerfile), copy.group(3)));
      }
    }
    return copies;
  }

  private static String substitute(String text, Map<String, String> args, String containerfile) {
    Matcher variable = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (variable.find()) {
      String value = args.get(variable.group(1));
      assertThat(value).as(containerfile + ": ARG " + variable.group(1) + " needs a default").isNotNull();
      variable.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return variable.appendTail(out).toString();
  }

  private static Document xml(String relativePath) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DeployFiles.file(relativePath).toFile());
  }

  /** A direct child element's text, or null. */
  private static String child(Element parent, String name) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element.getTextContent().strip();
      }
    }
    return null;
  }

  /** {@code <artifactId>-<version>} of a module (its version, else its parent's). */
  private static String artifactBaseName(String module) throws Exception {
    Element project = xml(module + "/pom.xml").getDocumentElement();
    String version = child(project, "version");
    if (version == null) {
      version = child((Element) project.getElementsByTagName("parent").item(0), "version");
    }
    return child(project, "artifactId") + "-" + version;
  }

  /** The sources the Containerfile takes from the build; asserts the others exist in the repository. */
  private static List<String> buildOutputs(String containerfile) throws Exception {
    List<Copy> copies = copies(containerfile);
    assertThat(copies).as(containerfile + " copies something").isNotEmpty();
    Path root = DeployFiles.repositoryRoot();
    List<String> outputs = new ArrayList<>();
    for (Copy copy : copies) {
      if (copy.source().contains("/target/")) {
        outputs.add(copy.source());
      } else {
        assertThat(root.resolve(copy.source())).as(containerfile + " copies " + copy.source()).exists();
      }
    }
    return outputs;
  }

  @Test
  void controlPlaneImageCopiesTheExecutableJarTheBuildMakes() throws Exception {
    Element jarPlugin = (Element) xml("worker/control-plane/pom.xml").getElementsByTagName("classifier").item(0)
        .getParentNode();
    String classifier = child(jarPlugin, "classifier");
    assertThat(classifier).isEqualTo("exec");

    assertThat(buildOutputs("deploy/compose/Containerfile.control-plane")).containsExactly(
        "worker/control-plane/target/" + artifactBaseName("worker/control-plane") + "-" + classifier + ".jar");
  }

  @Test
  void agentImageUnpacksTheDistributionTheBuildMakes() throws Exception {
    Element assembly = xml("worker/agent/src/assembly/distribution.xml").getDocumentElement();
    String id = child(assembly, "id");
    assertThat(assembly.getElementsByTagName("format").item(0).getTextContent()).isEqualTo("tar.gz");
    assertThat(child(assembly, "baseDirectory")).isEqualTo("otaflow-agent");

    List<Copy> copies = copies("deploy/compose/Containerfile.agent");
    assertThat(buildOutputs("deploy/compose/Containerfile.agent")).containsExactly(
        "worker/agent/target/" + artifactBaseName("worker/agent") + "-" + id + ".tar.gz");
    // ADD unpacks it under /opt: /opt/otaflow-agent/bin/otaflow-agent, the entry point.
    assertThat(copies.get(0).destination()).isEqualTo("/opt/");
    assertThat(Files.readString(DeployFiles.file("deploy/compose/Containerfile.agent")))
        .contains("ENTRYPOINT [\"/opt/otaflow-agent/bin/otaflow-agent\"]");
    assertThat(DeployFiles.file("worker/agent/src/dist/bin/otaflow-agent")).exists();
  }

  @Test
  void bothImagesRunAsTheUnprivilegedOtaflowUser() throws Exception {
    for (String containerfile : List.of("deploy/compose/Containerfile.control-plane",
        "deploy/compose/Containerfile.agent")) {
      assertThat(Files.readAllLines(DeployFiles.file(containerfile))).as(containerfile)
          .contains("USER 10001:10001");
    }
  }
}
