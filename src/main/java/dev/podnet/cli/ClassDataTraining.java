package dev.podnet.cli;

import com.sun.net.httpserver.HttpServer;
import dev.podnet.bundle.SafeArchive;
import dev.podnet.model.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs podnet's commands once each, in one JVM, for {@code ./mvnw package}: the offline ones on the
 * bundled examples, {@code node} on a temporary node root with a saved kubelet log, and {@code
 * diagnose}, {@code cidr}, {@code ipam} and {@code bundle} against a loopback server that lists an
 * example's files. Run with {@code -XX:ArchiveClassesAtExit=target/podnet.jsa}, the JVM records
 * every class they loaded in a class-data archive, and {@code bin/podnet} maps that archive instead
 * of loading and verifying the classes again (about 0.25 s less for {@code diagnose} on a snapshot,
 * 0.65 s on a cluster). Nothing here is needed for podnet to work: without the archive the launcher
 * starts as before. A command that fails (exit code above 2) fails the build.
 *
 * <p>{@code java -XX:ArchiveClassesAtExit=ARCHIVE -cp podnet.jar dev.podnet.cli.ClassDataTraining
 * EXAMPLES_DIR}
 */
public final class ClassDataTraining {

  private ClassDataTraining() {}

  /** The command lines run, with {@code EX/} standing for the examples directory. */
  static final List<List<String>> COMMANDS =
      List.of(
          List.of("diagnose", "--snapshot", "EX/ipam-exhausted"),
          List.of("diagnose", "--snapshot", "EX/stale-config-first", "-o", "json"),
          List.of("diagnose", "--snapshot", "EX/binary-missing", "-o", "markdown"),
          List.of(
              "explain",
              "-o",
              "json",
              "failed to setup network for sandbox \"4f1\": plugin type=\"flannel\" failed (add):"
                  + " loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or"
                  + " directory"),
          List.of("cidr", "--snapshot", "EX/cidr-drift"),
          List.of("ipam", "--snapshot", "EX/maxpods-over-block"),
          List.of(
              "plan",
              "--cluster-cidr",
              "10.244.0.0/21",
              "--node-mask",
              "24",
              "--max-pods",
              "110",
              "--nodes",
              "9"),
          List.of("node", "--snapshot", "EX/host-local-leak", "--node", "worker-1"),
          List.of("fix", "node-cidr", "--snapshot", "EX/dual-stack-partial", "--all-drifted"),
          List.of("fix", "status", "20261120-100000-95be6a", "--journal-dir", "EX/fix-runs"),
          List.of("fix", "reclaim-ips", "--snapshot", "EX/calico-leaked-handles"),
          List.of("--help"));

  /**
   * A node folder's saved kubelet log, since no example has one: the first line is verbatim from
   * kubernetes/kubelet#46 (src/test/resources/dev/podnet/node/logs/SOURCES.md), the second is
   * containerd's per-pod chatter.
   */
  static final String KUBELET_LOG =
      "Oct 26 14:08:18 k8s-eu-1-master kubelet[1067481]: E1026 14:08:18.459322 1067481"
          + " remote_runtime.go:193] \"RunPodSandbox from runtime service failed\" err=\"rpc"
          + " error: code = Unknown desc = failed to setup network for sandbox"
          + " \\\"5db402ddcda98eb797e884575883860a0211c9bf5b6b9d08562793290fd5de78\\\": plugin"
          + " type=\\\"flannel\\\" failed (add): loadFlannelSubnetEnv failed: open"
          + " /run/flannel/subnet.env: no such file or directory\"\n"
          + "Oct 26 14:08:19 k8s-eu-1-master containerd[812]: time=\"2023-10-26T14:08:19.1Z\""
          + " level=info msg=\"RunPodSandbox for &PodSandboxMetadata{Name:web-1,Uid:d72c,"
          + "Namespace:default,Attempt:0,}\"\n";

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      throw new IllegalArgumentException("usage: ClassDataTraining EXAMPLES_DIR (a directory)");
    }
    Path node = Files.createTempDirectory("podnet-training-node");
    Path log = Files.createDirectories(node.resolve("logs")).resolve("kubelet.log");
    Files.writeString(log, KUBELET_LOG, StandardCharsets.UTF_8);
    Files.createDirectories(node.resolve("etc/cni/net.d")); // a node root has one
    List<List<String>> commands = new ArrayList<>(COMMANDS);
    commands.add(List.of("node", "--root", node.toString(), "--pod-cidr", "10.244.1.0/24"));
    // The live commands, against a loopback server that lists an example's files: they load the
    // Kubernetes client, its HTTP stack and the streaming list reader, a second of start-up.
    HttpServer server = listServer(Path.of(args[0], "ipam-exhausted"));
    Path kubeconfig = node.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        KUBECONFIG.replace("SERVER", "http://127.0.0.1:" + server.getAddress().getPort()),
        StandardCharsets.UTF_8);
    Path bundle = node.resolve("bundle.tar.gz");
    for (String command : List.of("diagnose", "cidr", "ipam")) {
      commands.add(List.of(command, "--kubeconfig", kubeconfig.toString()));
    }
    commands.add(List.of("bundle", "-f", bundle.toString(), "--kubeconfig", kubeconfig.toString()));
    commands.add(List.of("diagnose", "--snapshot", bundle.toString()));
    List<String> failures;
    try {
      failures = run(commands, args[0]);
    } finally {
      server.stop(0);
      SafeArchive.deleteTree(node);
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          "class-data training: a bundled example no longer runs: " + String.join("; ", failures));
    }
  }

  private static final String KUBECONFIG =
      """
      apiVersion: v1
      kind: Config
      clusters:
      - name: training
        cluster:
          server: SERVER
      users:
      - name: training
        user:
          token: training
      contexts:
      - name: training
        context:
          cluster: training
          user: training
      current-context: training
      """;

  private static final byte[] EMPTY_LIST =
      "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{},\"items\":[]}"
          .getBytes(StandardCharsets.UTF_8);

  /**
   * A loopback HTTP server that answers each list of {@link Resource} with the snapshot's file
   * (namespaced paths too), an empty list for a core resource the snapshot lacks, and 404 for the
   * rest: the optional custom resources, as on a cluster without them.
   */
  private static HttpServer listServer(Path snapshot) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String path =
                exchange
                    .getRequestURI()
                    .getPath()
                    .replaceFirst("^/api/v1/namespaces/[^/]+/", "/api/v1/");
            byte[] body =
                Arrays.stream(Resource.values())
                    .filter(resource -> resource.apiPath().equals(path))
                    .findFirst()
                    .map(resource -> listBody(snapshot, resource))
                    .orElse(null);
            if (body == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
    return server;
  }

  /** The snapshot's list file, an empty list for a core resource it lacks, null for a CRD. */
  private static byte[] listBody(Path snapshot, Resource resource) {
    Path file = snapshot.resolve(resource.path());
    try {
      return Files.exists(file)
          ? Files.readAllBytes(file)
          : resource.optional() ? null : EMPTY_LIST;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs each command line; returns one line for each that failed. */
  private static List<String> run(List<List<String>> commands, String examples) {
    PrintStream out =
        new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    List<String> failures = new ArrayList<>();
    for (List<String> command : commands) {
      ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
      PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
      String[] argv =
          command.stream().map(arg -> arg.replace("EX/", examples + "/")).toArray(String[]::new);
      int code = Main.run(out, err, argv);
      if (code > 2) { // 0, 1, 2: a verdict; above: usage, unreadable source, internal error
        failures.add(
            "podnet "
                + String.join(" ", command)
                + ": exit "
                + code
                + ": "
                + errBytes.toString(StandardCharsets.UTF_8));
      }
    }
    return failures;
  }
}
