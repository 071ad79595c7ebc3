package io.otaflow;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The workflows module stays what the Maven build lets it depend on, the Temporal SDK, also in its code: the
 * orchestration packages use the SDK and the JDK alone, only io.otaflow.wire speaks JSON and TLS (the SDK's own
 * Jackson and gRPC), and no two packages depend on each other in a cycle.
 */
class WorkflowsArchitectureTest {

  private static final JavaClasses WORKFLOWS = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.otaflow");

  /** Tally ({@code com.uber.m3}) is the type of the SDK's {@code Workflow.getMetricsScope()}. */
  @Test
  void dependsOnTheJdkTheTemporalSdkAndItselfAlone() {
    classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "io.temporal..", "io.otaflow..",
            "org.slf4j..", "com.fasterxml.jackson..", "io.grpc..", "com.uber.m3..")
        .check(WORKFLOWS);
  }

  /** Records that cross Temporal may say how they are read (Jackson's annotations); nothing else touches Jackson. */
  @Test
  void onlyTheWirePackageUsesJacksonAndGrpc() {
    noClasses().that().resideOutsideOfPackage("io.otaflow.wire..")
        .should().dependOnClassesThat().resideInAnyPackage("com.fasterxml.jackson.core..",
            "com.fasterxml.jackson.databind..", "io.grpc..", "io.otaflow.wire..")
        .check(WORKFLOWS);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.otaflow.(*)..").should().beFreeOfCycles().check(WORKFLOWS);
  }
}
