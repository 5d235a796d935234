package dev.podnet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layering of DESIGN.md section 4 and STYLE.md, as rules that fail the build when broken. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/test-classes/"))
            .importPackages("dev.podnet");
  }

  @Test
  void onlySourceFixAndServeTouchFabric8() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "dev.podnet.source..", "dev.podnet.fix..", "dev.podnet.serve..", "dev.podnet.bundle..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.fabric8..")
        .check(classes);
  }

  @Test
  void onlyTheCliImportsPicocli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.podnet.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .check(classes);
  }

  @Test
  void dataFlowsOneWay() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.podnet.model..", "dev.podnet.classify..", "dev.podnet.cidr..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.podnet.source..", "dev.podnet.check..", "dev.podnet.report..", "dev.podnet.cli..")
        .check(classes);
    noClasses()
        .that()
        .resideInAnyPackage("dev.podnet.check..", "dev.podnet.report..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.podnet.source..", "dev.podnet.cli..")
        .check(classes);
  }

  @Test
  void onlyMainExits() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName("dev.podnet.cli.Main")
        .should()
        .callMethod(System.class, "exit", int.class)
        .check(classes);
  }

  @Test
  void checksDoNotReadTheClock() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.podnet.check..", "dev.podnet.report..", "dev.podnet.classify..")
        .should()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .check(classes);
  }
}
