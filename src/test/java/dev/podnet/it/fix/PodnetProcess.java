package dev.podnet.it.fix;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The packaged podnet ({@code java -jar target/podnet.jar}, the path failsafe passes as {@code
 * -Dpodnet.jar}) as a real subprocess, so a test can kill it with SIGKILL at any moment, as a
 * crashed laptop or an OOM-killed pod would, and resume the run with a new process.
 *
 * <p>Start-up is cut with an application class-data archive: the first process that ends normally
 * writes it ({@code -XX:ArchiveClassesAtExit}), later ones map it ({@code -XX:SharedArchiveFile}).
 */
public final class PodnetProcess implements AutoCloseable {

  /** The packaged jar. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("podnet.jar", "target/podnet.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run the ITs through ./mvnw verify");
    }
    return jar;
  }

  private static final Object ARCHIVE_LOCK = new Object();
  private static Path archive;
  private static boolean archiveWriting;

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final List<Watcher> watchers = Collections.synchronizedList(new ArrayList<>());
  private final Thread outReader;
  private final Thread errReader;
  private final List<String> command;
  private volatile boolean killed;
  private boolean writesArchive;

  private record Watcher(Predicate<String> when, Consumer<String> then) {}

  private PodnetProcess(List<String> command, Path workDir) throws IOException {
    this.command = command;
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().remove("KUBECONFIG");
    this.process = builder.start();
    this.outReader = reader(process.getInputStream(), stdout, true);
    this.errReader = reader(process.getErrorStream(), stderr, false);
  }

  /** Starts {@code podnet ARGS...} in {@code workDir}. */
  public static PodnetProcess start(Path workDir, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xss512k");
    synchronized (ARCHIVE_LOCK) {
      if (archive == null) {
        try {
          archive = Files.createTempDirectory("podnet-cds").resolve("podnet.jsa");
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      if (Files.isRegularFile(archive)) {
        command.add("-XX:SharedArchiveFile=" + archive);
        command.add("-Xshare:auto");
      } else if (!archiveWriting) {
        archiveWriting = true;
        command.add("-XX:ArchiveClassesAtExit=" + archive);
      }
    }
    command.add("-jar");
    command.add(jar().toAbsolutePath().toString());
    command.addAll(args);
    try {
      PodnetProcess process = new PodnetProcess(command, workDir);
      process.writesArchive = command.stream().anyMatch(c -> c.startsWith("-XX:ArchiveClasses"));
      return process;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command, e);
    }
  }

  /** Runs {@code podnet ARGS...} to its end (at most {@code timeout}) and returns it. */
  public static PodnetProcess run(Path workDir, Duration timeout, List<String> args) {
    PodnetProcess process = start(workDir, args);
    process.waitFor(timeout);
    return process;
  }

  /**
   * Calls {@code then} (on the reader thread) for every later stdout line matching {@code when}.
   */
  public PodnetProcess onLine(Predicate<String> when, Consumer<String> then) {
    watchers.add(new Watcher(when, then));
    synchronized (stdout) {
      for (String line : stdout) {
        if (when.test(line)) {
          then.accept(line);
        }
      }
    }
    return this;
  }

  private Thread reader(InputStream in, List<String> lines, boolean watch) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                  }
                  if (watch) {
                    List<Watcher> now;
                    synchronized (watchers) {
                      now = List.copyOf(watchers);
                    }
                    for (Watcher w : now) {
                      if (w.when().test(line)) {
                        w.then().accept(line);
                      }
                    }
                  }
                }
              } catch (IOException e) {
                // the process died
              }
            },
            "podnet-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Waits for the end; a process still running after {@code timeout} is killed and fails. */
  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new AssertionError(
            "podnet did not finish within " + timeout + ": " + command + "\n" + transcript());
      }
      outReader.join(5_000);
      errReader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no finally block runs in podnet. */
  public void kill() {
    killed = true;
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writesArchive) {
      synchronized (ARCHIVE_LOCK) {
        archiveWriting = false; // killed before it could write the archive: the next one will
      }
    }
  }

  public boolean alive() {
    return process.isAlive();
  }

  public boolean killed() {
    return killed;
  }

  public int exitCode() {
    return process.exitValue();
  }

  public String stdout() {
    synchronized (stdout) {
      return String.join("\n", stdout);
    }
  }

  public String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  /** The command, exit code and both streams, for a failure message. */
  public String transcript() {
    return "$ podnet "
        + String.join(" ", command.subList(command.indexOf("-jar") + 2, command.size()))
        + "\n"
        + (process.isAlive() ? "(running)" : killed ? "(killed)" : "exit " + process.exitValue())
        + "\n--- stdout\n"
        + stdout()
        + "\n--- stderr\n"
        + stderr();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
