package dev.podnet.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive that {@code ./mvnw package} writes ({@code target/podnet.jsa}): {@code
 * bin/podnet} maps it, and where it cannot (the jar rebuilt after it, the checkout moved) starts
 * without it and prints exactly what it prints with it: the JVM's CDS warnings would go to stdout.
 */
class ClassDataArchiveIT {
  private static final Path JAR =
      Path.of(System.getProperty("podnet.jar", "target/podnet.jar")).toAbsolutePath().normalize();
  private static final Path REPO = Path.of("").toAbsolutePath();

  private record Run(int code, String out, String err) {}

  /** A command that runs offline and exits 0. */
  private static final String[] PLAN = {
    "plan",
    "--cluster-cidr",
    "10.244.0.0/16",
    "--node-mask",
    "24",
    "--max-pods",
    "110",
    "--nodes",
    "9"
  };

  private static Run run(Path launcher, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile());
    builder.environment().putAll(env);
    Path out = Files.createTempFile("podnet-out", ".txt");
    Path err = Files.createTempFile("podnet-err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    int code = process.waitFor();
    Run result =
        new Run(
            code,
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return result;
  }

  /** The launcher of this checkout runs this build's jar only when the build went to target/. */
  private static void assumeLauncherRunsThisJar() {
    assumeThat(JAR)
        .as("bin/podnet runs target/podnet.jar; this build went elsewhere (-Dpodnet.build.dir)")
        .isEqualTo(REPO.resolve("target/podnet.jar"));
  }

  @Test
  void packageWritesTheArchiveAfterTheJar() throws IOException {
    Path archive = JAR.resolveSibling("podnet.jsa");
    assertThat(archive).exists();
    assertThat(Files.size(archive)).isGreaterThan(1 << 20);
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(JAR));
  }

  @Test
  void theLauncherLoadsPodnetFromTheArchive() throws Exception {
    assumeLauncherRunsThisJar();
    Map<String, String> classLog = Map.of("PODNET_JAVA_OPTS", "-Xmx512m -Xlog:class+load=info");
    Run run = run(REPO.resolve("bin/podnet"), classLog, PLAN);
    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("dev.podnet.cli.Main source: shared objects file (top)");
    // explain and --version load few classes: the launcher leaves the archive out for them
    Run version = run(REPO.resolve("bin/podnet"), classLog, "--version");
    assertThat(version.out()).contains("dev.podnet.cli.Main source: file:");
  }

  @Test
  void outputIsTheSameWithAndWithoutTheArchive() throws Exception {
    assumeLauncherRunsThisJar();
    String[] args = {"diagnose", "--snapshot", "examples/ipam-exhausted", "-o", "json"};
    Run mapped = run(REPO.resolve("bin/podnet"), Map.of(), args);
    List<String> plain = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
    plain.addAll(List.of(args));
    Path out = Files.createTempFile("podnet-plain", ".json");
    int code =
        new ProcessBuilder(plain)
            .directory(REPO.toFile())
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor();
    assertThat(mapped.code()).isEqualTo(code).isEqualTo(2);
    assertThat(mapped.out()).isEqualTo(Files.readString(out, StandardCharsets.UTF_8));
    assertThat(mapped.err()).isEmpty();
    Files.delete(out);
  }

  @Test
  void aStaleOrMovedArchiveIsSkippedSilently(@TempDir Path copy) throws Exception {
    assumeLauncherRunsThisJar();
    // A moved checkout: the archive names the jar where it was built, so the JVM refuses it.
    Files.createDirectories(copy.resolve("bin"));
    Files.createDirectories(copy.resolve("target"));
    Path launcher = copy.resolve("bin/podnet");
    Files.copy(REPO.resolve("bin/podnet"), launcher, StandardCopyOption.COPY_ATTRIBUTES);
    Path jar = copy.resolve("target/podnet.jar");
    Files.copy(JAR, jar, StandardCopyOption.COPY_ATTRIBUTES);
    Path archive = copy.resolve("target/podnet.jsa");
    Files.copy(JAR.resolveSibling("podnet.jsa"), archive, StandardCopyOption.COPY_ATTRIBUTES);
    Run moved = run(launcher, Map.of(), PLAN);
    assertThat(moved.code()).isZero();
    assertThat(moved.out()).isEqualTo(run(REPO.resolve("bin/podnet"), Map.of(), PLAN).out());
    assertThat(moved.err()).isEmpty();

    // The jar rebuilt after the archive: the launcher does not pass the archive at all.
    Files.setLastModifiedTime(
        jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 60_000));
    Run stale = run(launcher, Map.of("PODNET_JAVA_OPTS", "-Xmx512m -Xlog:class+load=info"), PLAN);
    assertThat(stale.code()).isZero();
    assertThat(stale.out())
        .contains("dev.podnet.cli.Main source: file:")
        .doesNotContain("shared objects file (top)")
        .doesNotContain("warning");
    assertThat(stale.err()).isEmpty();
  }
}
