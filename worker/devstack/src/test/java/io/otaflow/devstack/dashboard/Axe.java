package io.otaflow.devstack.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * axe-core, injected into the page the browser shows, listing the accessibility violations of serious or critical
 * impact. The build downloads npm's axe-core (worker/devstack/pom.xml) into target/axe-core.
 */
final class Axe {

  private static final Path SCRIPT = Path.of("target", "axe-core", "package", "axe.min.js");

  private Axe() {
  }

  /** One line per serious or critical violation: its rule, impact, help and the first offending element. */
  @SuppressWarnings("unchecked")
  static List<String> seriousViolations(DashboardBrowser browser) {
    String axe;
    try {
      axe = Files.readString(SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException("axe-core is missing: the build downloads it (mvn generate-test-resources)", e);
    }
    browser.script(axe);
    return (List<String>) browser.asyncScript("const done = arguments[arguments.length - 1];"
        + " axe.run(document, {resultTypes: ['violations']}).then(result => done(result.violations"
        + ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        + ".map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes[0].html)),"
        + " failure => done(['axe failed: ' + failure]));");
  }
}
