package io.otaflow.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Points logging at a file under the command's data directory once the command knows where that is. */
public final class Logging {

  private Logging() {
  }

  /** Spring Boot must not re-initialise logback behind our back, and gRPC and jline log through java.util.logging. */
  static void takeOver() {
    System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }

  /** JSON lines into {@code logFile}; only warnings and errors reach stderr; stdout is left to the command. */
  public static void toFile(Path logFile) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("OTAFLOW_LOG_FILE", logFile.toAbsolutePath().toString());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(Logging.class.getResource("/otaflow-logback-file.xml"));
    } catch (JoranException e) {
      throw new IllegalStateException("logging configuration otaflow-logback-file.xml is broken", e);
    }
  }
}
