package dev.podnet.it;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real kube-apiserver v1.20.2 (plus etcd, optionally kube-controller-manager) for the {@code *IT}
 * tier, provided by {@code scripts/apiserver.sh} (DESIGN.md section 5, reference/java-stack.md
 * section 4).
 *
 * <p>{@link #shared()} is the per-JVM instance: built (once per machine, cached) and started on
 * first use, stopped by a shutdown hook (and by the script's watchdog should the JVM die without
 * running hooks). {@link #startDedicated(boolean)} starts a private instance, e.g. with the
 * controller-manager's node IPAM, which the caller must {@link #close()}.
 *
 * <p>When this machine cannot provide the server (the script exits {@value #EXIT_SKIP} with a
 * {@code PODNET-IT-SKIPPED: why} line), the calling test is aborted with {@link
 * Assumptions#abort(String)} carrying that line, and the line is printed to stderr: never a silent
 * pass. With the environment variable {@code PODNET_IT_REQUIRED=true} (or {@code
 * -Dpodnet.it.required=true}) a skip is a failure instead. Any other start failure is always a
 * failure.
 *
 * <p>Server facts worth knowing: no scheduler, kubelet or (by default) controllers run; Pod status
 * is reset on create and must be written through {@code /status}; namespaces are never finalized by
 * themselves ({@link SnapshotLoader#reset()} does it); only policy/v1beta1 exists for PDB and
 * Eviction.
 */
public final class RealApiServer implements AutoCloseable {

  /** Prefix of the one-line reason printed when the tier cannot run here. */
  public static final String SKIP_PREFIX = "PODNET-IT-SKIPPED:";

  /** Exit code of {@code scripts/apiserver.sh} meaning "cannot run here". */
  public static final int EXIT_SKIP = 3;

  /**
   * The bearer token of the static token file; user {@code admin} in group {@code system:masters}.
   */
  public static final String TOKEN = "devtoken";

  /**
   * A second bearer token of the static token file: user {@code limited}, no group, no binding, so
   * RBAC grants it only what every authenticated user gets (e.g. SelfSubjectAccessReview).
   */
  public static final String LIMITED_TOKEN = "limitedtoken";

  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(40);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private static RealApiServer shared;
  private static String sharedSkip;
  private static RuntimeException sharedFailure;

  private final Path script;
  private final Path dir;
  private final boolean deleteDirOnClose;
  private final Map<String, String> env;
  private final KubernetesClient client;
  private final Duration startTime;
  private volatile boolean closed;

  private RealApiServer(
      Path script,
      Path dir,
      boolean deleteDirOnClose,
      Map<String, String> env,
      Duration startTime) {
    this.script = script;
    this.dir = dir;
    this.deleteDirOnClose = deleteDirOnClose;
    this.env = env;
    this.startTime = startTime;
    this.client = newClient();
  }

  // ------------------------------------------------------------------------------------------
  // factories

  /**
   * The per-JVM server, started on first call. Aborts the calling test (or fails it, with {@code
   * PODNET_IT_REQUIRED=true}) when the machine cannot provide the server; the outcome of the first
   * call is remembered, so a skip or failure is not retried by every test class.
   */
  public static synchronized RealApiServer shared() {
    if (shared == null && sharedSkip == null && sharedFailure == null) {
      try {
        RealApiServer server = boot(null);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "podnet-apiserver-stop"));
        shared = server;
      } catch (SkipException e) {
        sharedSkip = e.getMessage();
      } catch (RuntimeException e) {
        sharedFailure = e;
      }
    }
    if (sharedSkip != null) {
      throw skip(sharedSkip);
    }
    if (sharedFailure != null) {
      throw new IllegalStateException(
          "real API server failed to start: " + sharedFailure.getMessage(), sharedFailure);
    }
    return shared;
  }

  /**
   * A private server the caller must {@link #close()}. With {@code controllerManager},
   * kube-controller-manager runs the {@code nodeipam} controller only ({@code
   * --allocate-node-cidrs=true --cluster-cidr=10.244.0.0/16 --node-cidr-mask-size=24}), so a new
   * Node gets {@code spec.podCIDR} as in a real cluster.
   */
  public static RealApiServer startDedicated(boolean controllerManager) {
    return startDedicated(controllerManager ? "nodeipam" : null);
  }

  /**
   * A private server the caller must {@link #close()}, with kube-controller-manager running the
   * comma-separated {@code controllers} (e.g. {@code nodeipam,disruption,replicaset}; node IPAM
   * settings as in {@link #startDedicated(boolean)}); null for no controller-manager.
   */
  public static RealApiServer startDedicated(String controllers) {
    try {
      return boot(controllers);
    } catch (SkipException e) {
      throw skip(e.getMessage());
    }
  }

  /**
   * True when {@code PODNET_IT_REQUIRED=true} or {@code -Dpodnet.it.required=true}: skips become
   * failures.
   */
  public static boolean required() {
    return "true".equalsIgnoreCase(System.getenv("PODNET_IT_REQUIRED"))
        || "true".equalsIgnoreCase(System.getProperty("podnet.it.required"));
  }

  private static RealApiServer boot(String controllers) {
    Path script = findScript();
    run(script, List.of("build"), BUILD_TIMEOUT);
    Path dir;
    try {
      dir = Files.createTempDirectory("podnet-apiserver-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temp dir", e);
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "start",
                dir.toString(),
                "--watch-pid",
                Long.toString(ProcessHandle.current().pid())));
    if (controllers != null) {
      args.add("--controller-manager");
      args.add("--controllers");
      args.add(controllers);
    }
    long t0 = System.nanoTime();
    run(script, args, START_TIMEOUT);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    Map<String, String> env = readEnv(dir.resolve("env"));
    boolean keep = "true".equalsIgnoreCase(System.getenv("PODNET_IT_KEEP_DIR"));
    RealApiServer server = new RealApiServer(script, dir, !keep, env, took);
    System.err.printf(
        "podnet-it: kube-apiserver %s at %s ready in %d ms (dir %s)%n",
        env.get("PODNET_K8S_VERSION"), server.masterUrl(), took.toMillis(), dir);
    return server;
  }

  // ------------------------------------------------------------------------------------------
  // accessors

  /** The kubeconfig written by the script: token auth, {@code insecure-skip-tls-verify: true}. */
  public Path kubeconfigPath() {
    return dir.resolve("kubeconfig");
  }

  /**
   * Writes a kubeconfig for this server (or {@code serverUrl}, e.g. a proxy in front of it) with
   * the bearer token given, and returns its path.
   */
  public Path writeKubeconfig(Path file, String serverUrl, String token) {
    String text =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: podnet-it",
            "  cluster:",
            "    server: " + serverUrl,
            serverUrl.startsWith("https:") ? "    insecure-skip-tls-verify: true" : "",
            "users:",
            "- name: user",
            "  user:",
            "    token: " + token,
            "contexts:",
            "- name: podnet-it",
            "  context:",
            "    cluster: podnet-it",
            "    user: user",
            "current-context: podnet-it",
            "");
    try {
      Files.writeString(file, text.replace("\n\n", "\n"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + file, e);
    }
    return file;
  }

  /** {@code https://127.0.0.1:PORT}. */
  public String masterUrl() {
    return env.get("PODNET_APISERVER_URL");
  }

  /** The bearer token ({@value #TOKEN}). */
  public String token() {
    return env.getOrDefault("PODNET_APISERVER_TOKEN", TOKEN);
  }

  /**
   * The shared client of this server: trusts its self-signed cert, {@code
   * requestRetryBackoffLimit(0)}.
   */
  public KubernetesClient client() {
    return client;
  }

  /** A new client with the same settings; the caller closes it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(config()).build();
  }

  /** The client configuration: no auto-configuration from ~/.kube or the environment. */
  public Config config() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(masterUrl())
        .withOauthToken(token())
        .withTrustCerts(true)
        .withDisableHostnameVerification(true)
        .withNamespace("default")
        .withRequestRetryBackoffLimit(0)
        .build();
  }

  /**
   * The directory holding etcd data, logs ({@code etcd.log}, {@code apiserver.log}, ...), pid files
   * and env.
   */
  public Path dir() {
    return dir;
  }

  /** A component's log: {@code etcd}, {@code apiserver} or {@code controller-manager}. */
  public Path log(String component) {
    return dir.resolve(component + ".log");
  }

  /** Everything {@code DIR/env} holds (URL, ports, token, KUBECONFIG). */
  public Map<String, String> env() {
    return env;
  }

  /** Wall time of {@code scripts/apiserver.sh start} for this server. */
  public Duration startTime() {
    return startTime;
  }

  /**
   * Stops the processes ({@code scripts/apiserver.sh stop}) and deletes the directory. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      client.close();
    } catch (RuntimeException ignored) {
      // best effort
    }
    try {
      run(script, List.of("stop", dir.toString()), Duration.ofMinutes(1));
    } catch (RuntimeException e) {
      System.err.println(
          "podnet-it: stopping the API server in " + dir + " failed: " + e.getMessage());
      return;
    }
    if (deleteDirOnClose) {
      deleteTree(dir);
    }
  }

  // ------------------------------------------------------------------------------------------ skip
  // handling

  /**
   * Prints {@code PODNET-IT-SKIPPED: why} to stderr (the test's and the JVM's own, so it also
   * reaches the build console), then aborts the test; with {@link #required()} fails it instead.
   * Declared to return an exception so callers can write {@code throw skip(...)}; it always throws
   * itself.
   */
  public static RuntimeException skip(String reason) {
    String line = reason.startsWith(SKIP_PREFIX) ? reason : SKIP_PREFIX + " " + reason;
    System.err.println(line);
    if (System.err != ORIGINAL_STDERR) {
      ORIGINAL_STDERR.println(line);
      ORIGINAL_STDERR.flush();
    }
    if (required()) {
      throw new AssertionError(line + " (PODNET_IT_REQUIRED=true: a skip is a failure)");
    }
    Assumptions.abort(line);
    throw new AssertionError("unreachable");
  }

  private static final PrintStream ORIGINAL_STDERR =
      new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

  private static final class SkipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SkipException(String line) {
      super(line);
    }
  }

  // ------------------------------------------------------------------------------------------
  // plumbing

  /** Runs the script, echoing its output to stderr; exit 3 becomes {@link SkipException}. */
  private static void run(Path script, List<String> args, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add("bash");
    cmd.add(script.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.directory(script.getParent().getParent().toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new SkipException(SKIP_PREFIX + " cannot run " + script + ": " + e.getMessage());
    }
    List<String> output = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (output) {
                    output.add(line);
                  }
                  System.err.println("[apiserver.sh " + args.get(0) + "] " + line);
                }
              } catch (IOException ignored) {
                // process ended
              }
            },
            "apiserver.sh-output");
    reader.setDaemon(true);
    reader.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        throw new IllegalStateException(
            "scripts/apiserver.sh " + args.get(0) + " did not finish within " + timeout);
      }
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    int rc = p.exitValue();
    if (rc == 0) {
      return;
    }
    List<String> lines;
    synchronized (output) {
      lines = List.copyOf(output);
    }
    if (rc == EXIT_SKIP) {
      String line =
          lines.stream()
              .filter(l -> l.startsWith(SKIP_PREFIX))
              .findFirst()
              .orElse(
                  SKIP_PREFIX + " scripts/apiserver.sh " + args.get(0) + " exited " + EXIT_SKIP);
      throw new SkipException(line);
    }
    List<String> tail = lines.subList(Math.max(0, lines.size() - 30), lines.size());
    throw new IllegalStateException(
        "scripts/apiserver.sh "
            + String.join(" ", args)
            + " exited "
            + rc
            + ":\n"
            + String.join("\n", tail));
  }

  /**
   * {@code scripts/apiserver.sh} of the project: from {@code -Dbasedir} (set by failsafe) or
   * upwards of cwd.
   */
  static Path findScript() {
    List<Path> starts = new ArrayList<>();
    String basedir = System.getProperty("basedir");
    if (basedir != null) {
      starts.add(Paths.get(basedir));
    }
    starts.add(Paths.get("").toAbsolutePath());
    for (Path start : starts) {
      for (Path d = start.toAbsolutePath(); d != null; d = d.getParent()) {
        Path s = d.resolve("scripts/apiserver.sh");
        if (Files.isRegularFile(s)) {
          return s;
        }
      }
    }
    throw new SkipException(SKIP_PREFIX + " scripts/apiserver.sh not found above " + starts);
  }

  private static Map<String, String> readEnv(Path file) {
    Map<String, String> env = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          env.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    if (env.get("PODNET_APISERVER_URL") == null) {
      throw new IllegalStateException(file + " has no PODNET_APISERVER_URL");
    }
    return Map.copyOf(env);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort
                }
              });
    } catch (IOException ignored) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "RealApiServer[" + masterUrl() + ", dir=" + dir + "]";
  }
}
