package dev.podnet.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar's offline paths never load fabric8 (about 2 s of start-up), and {@code explain}
 * loads no Jackson databind either: checked on the real jar with {@code -verbose:class}.
 */
class OfflinePathsIT {
  private static final Path JAR = Path.of(System.getProperty("podnet.jar", "target/podnet.jar"));

  private static List<String> loadedClasses(String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new java.util.ArrayList<>(List.of("java", "-verbose:class", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("podnet-classes", ".txt");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    process.waitFor();
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return lines.stream().filter(l -> l.startsWith("[") && l.contains("class,load")).toList();
  }

  @Test
  void snapshotDiagnoseLoadsNoFabric8() throws Exception {
    List<String> classes =
        loadedClasses("diagnose", "--snapshot", "examples/ipam-exhausted", "-o", "json");
    assertThat(classes).anyMatch(l -> l.contains("dev.podnet.source.SnapshotDirectorySource"));
    assertThat(classes).noneMatch(l -> l.contains("io.fabric8"));
  }

  @Test
  void explainLoadsNoFabric8NorDatabind() throws Exception {
    List<String> classes = loadedClasses("explain", "-o", "json", "cni plugin not initialized");
    assertThat(classes).anyMatch(l -> l.contains("dev.podnet.classify.CauseCatalog"));
    assertThat(classes).noneMatch(l -> l.contains("io.fabric8") || l.contains("jackson.databind"));
  }
}
