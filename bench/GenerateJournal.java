import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes a synthetic kubelet + containerd journal as {@code journalctl} prints it, for the log
 * scan benchmark ({@code bench/logs.sh}) and the baseline in {@code shared/reference/java-stack.md}
 * section 5.
 *
 * <p>Run as a single-file program: {@code java bench/GenerateJournal.java OUT [--size 1g] [--seed
 * 42] [--format short|short-iso] [--nodes 8] [--failures 12]}. Only the JDK is needed.
 *
 * <p>Mostly ordinary chatter, with the real line shapes of kubelet 1.29 (klog structured) and
 * containerd 1.7 (logrus): PLEG events, volume mounts, image pulls, container starts, probe
 * failures, sandbox creation and teardown. About 6% of the lines are sandbox network failures (a
 * node in a failure storm; {@code --failures} sets how many events in a thousand are failures, 12
 * by default, 1 for a node with a few): one failure writes a containerd line and four kubelet
 * lines, as the real components do, with a
 * fresh 64-hex sandbox id, its pod and its node. The causes (calico Unauthorized, host-local
 * exhausted, cni plugin not initialized, flannel subnet.env, aws ipamd refused) are mixed on
 * purpose; a real node runs one CNI. Nodes with a broken CNI config also log kubelet's
 * NetworkPluginNotReady condition.
 *
 * <p>Streaming: lines are written through a 1 MiB buffer; nothing grows with the size. The same
 * seed and size give a byte-identical file. The ground truth (lines, failure events per cause,
 * lines containing {@code failed to setup network for sandbox}) goes to stdout at the end.
 */
public final class GenerateJournal {

  static final LocalDateTime START = LocalDateTime.of(2026, 11, 20, 0, 0, 0);
  static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT);
  static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
  static final String[] NAMESPACES = {
    "default", "payments", "checkout", "search", "batch", "monitoring", "kube-system", "web"
  };
  static final String[] APPS = {
    "api", "web", "worker", "cache", "ingest", "reporter", "auth", "frontend", "billing", "index"
  };
  static final String[] IMAGES = {
    "registry.k8s.io/pause:3.9",
    "docker.io/library/nginx:1.25.3",
    "quay.io/prometheus/node-exporter:v1.7.0",
    "registry.example.com/payments/api:2.14.1",
    "ghcr.io/example/worker:sha-4f1c2e9"
  };

  /** The sandbox failure causes, with the innermost text containerd reports for each. */
  enum Cause {
    CALICO_UNAUTHORIZED("datastore_unreachable"),
    HOST_LOCAL_EXHAUSTED("ipam_exhausted"),
    CNI_NOT_INITIALIZED("cni_config_missing"),
    FLANNEL_SUBNET_ENV("agent_not_ready"),
    AWS_IPAMD_REFUSED("agent_not_ready");

    final String expected;

    Cause(String expected) {
      this.expected = expected;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println(
          "usage: java bench/GenerateJournal.java OUT [--size 1g] [--seed 42]"
              + " [--format short|short-iso] [--nodes 8] [--failures 12]");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    long size = 1L << 30;
    long seed = 42;
    boolean iso = false;
    int nodes = 8;
    int failures = 12;
    for (int i = 1; i + 1 < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--size" -> size = parseSize(value);
        case "--seed" -> seed = Long.parseLong(value);
        case "--format" -> iso = switch (value) {
          case "short" -> false;
          case "short-iso" -> true;
          default -> throw new IllegalArgumentException("--format short|short-iso");
        };
        case "--nodes" -> nodes = Integer.parseInt(value);
        case "--failures" -> failures = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (failures < 0 || failures > 900) {
      throw new IllegalArgumentException("--failures takes 0 to 900 (events in a thousand)");
    }
    new GenerateJournal(size, seed, iso, nodes, failures).write(out);
  }

  static long parseSize(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k")) unit = 1L << 10;
    if (t.endsWith("m")) unit = 1L << 20;
    if (t.endsWith("g")) unit = 1L << 30;
    if (unit > 1) t = t.substring(0, t.length() - 1);
    return Long.parseLong(t) * unit;
  }

  private final long size;
  private final SplittableRandom random;
  private final boolean iso;
  private final int nodes;
  private final int failurePerMille;
  private final StringBuilder line = new StringBuilder(2048);
  private final long[] failures = new long[Cause.values().length];
  private long lines;
  private long setupNetworkLines;
  private long notReadyLines;
  private long written;
  private long millis;

  GenerateJournal(long size, long seed, boolean iso, int nodes, int failurePerMille) {
    this.size = size;
    this.failurePerMille = failurePerMille;
    this.random = new SplittableRandom(seed);
    this.iso = iso;
    this.nodes = nodes;
  }

  void write(Path path) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
      while (written < size) {
        millis += 1 + random.nextInt(48);
        int node = random.nextInt(nodes);
        int roll = random.nextInt(1000);
        if (roll < failurePerMille) {
          failure(out, node);
        } else if (roll < failurePerMille + 2 && node % 4 == 2) {
          networkNotReady(out, node);
        } else {
          chatter(out, node, roll);
        }
      }
    }
    StringBuilder summary = new StringBuilder();
    summary.append(String.format(Locale.ROOT,
        "{\"bytes\": %d, \"lines\": %d, \"setupNetworkForSandboxLines\": %d,"
            + " \"networkPluginNotReadyLines\": %d, \"failureEvents\": {",
        written, lines, setupNetworkLines, notReadyLines));
    for (Cause cause : Cause.values()) {
      summary.append(cause.ordinal() == 0 ? "" : ", ")
          .append('"').append(cause.expected).append('/').append(cause.name().toLowerCase(Locale.ROOT))
          .append("\": ").append(failures[cause.ordinal()]);
    }
    System.out.println(summary.append("}}"));
  }

  // ---------------------------------------------------------------------------------------------

  private LocalDateTime now() {
    return START.plusNanos((millis % 1000) * 1_000_000L).plusSeconds(millis / 1000);
  }

  private void header(int node, String unit, int pid) {
    line.setLength(0);
    LocalDateTime t = now();
    if (iso) {
      line.append(ISO.format(t)).append("+0000");
    } else {
      line.append(SHORT.format(t));
    }
    line.append(" worker-").append(node + 1).append(' ').append(unit).append('[').append(pid).append("]: ");
  }

  private void kubelet(int node, char severity, String file) {
    header(node, "kubelet", 1187 + node);
    LocalDateTime t = now();
    line.append(severity);
    pad(t.getMonthValue(), 2);
    pad(t.getDayOfMonth(), 2);
    line.append(' ');
    pad(t.getHour(), 2);
    line.append(':');
    pad(t.getMinute(), 2);
    line.append(':');
    pad(t.getSecond(), 2);
    line.append('.');
    pad(t.getNano() / 1000 + random.nextInt(1000), 6);
    line.append("    ").append(1187 + node).append(' ').append(file).append("] ");
  }

  private void containerd(int node, String level) {
    header(node, "containerd", 812 + node);
    line.append("time=\"").append(ISO.format(now()))
        .append('.');
    pad(random.nextInt(1_000_000_000), 9);
    line.append("Z\" level=").append(level).append(' ');
  }

  private void pad(int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      line.append('0');
    }
    line.append(digits);
  }

  private void emit(OutputStream out) throws IOException {
    line.append('\n');
    // Every generated character is ASCII, so one char is one byte.
    for (int i = 0; i < line.length(); i++) {
      out.write(line.charAt(i));
    }
    written += line.length();
    lines++;
  }

  private String hex(int length) {
    StringBuilder s = new StringBuilder(length);
    while (s.length() < length) {
      String word = Long.toHexString(random.nextLong());
      for (int i = word.length(); i < 16; i++) {
        s.append('0');
      }
      s.append(word);
    }
    return s.substring(0, length);
  }

  private String uid() {
    String h = hex(32);
    return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
        + h.substring(16, 20) + "-" + h.substring(20);
  }

  private String podName() {
    String app = APPS[random.nextInt(APPS.length)];
    return app + "-" + hex(10).substring(0, 9) + "-" + hex(5);
  }

  // ---------------------------------------------------------------------------------------------
  // Failures

  private void failure(OutputStream out, int node) throws IOException {
    Cause cause = Cause.values()[node % Cause.values().length];
    failures[cause.ordinal()]++;
    String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
    String pod = podName();
    String uid = uid();
    String sandbox = hex(64);
    String inner = switch (cause) {
      case CALICO_UNAUTHORIZED -> "plugin type=\"calico\" failed (add): error getting ClusterInformation: connection is unauthorized: Unauthorized";
      case HOST_LOCAL_EXHAUSTED -> "plugin type=\"bridge\" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244."
          + (node + 1) + ".1-10.244." + (node + 1) + ".254";
      case CNI_NOT_INITIALIZED -> "cni plugin not initialized";
      case FLANNEL_SUBNET_ENV -> "plugin type=\"flannel\" failed (add): failed to load flannel 'subnet.env' file: open /run/flannel/subnet.env: no such file or directory. Check the flannel pod log for this node.";
      case AWS_IPAMD_REFUSED -> "add cmd: Error received from AddNetwork gRPC call: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp 127.0.0.1:50051: connect: connection refused\"";
    };
    String runtimeError = "failed to setup network for sandbox \"" + sandbox + "\": " + inner;
    String escaped = runtimeError.replace("\\", "\\\\").replace("\"", "\\\"");
    String grpc = "rpc error: code = Unknown desc = " + runtimeError;
    String grpcEscaped = grpc.replace("\\", "\\\\").replace("\"", "\\\"");

    containerd(node, "error");
    line.append("msg=\"RunPodSandbox for &PodSandboxMetadata{Name:").append(pod).append(",Uid:").append(uid)
        .append(",Namespace:").append(ns).append(",Attempt:0,} failed, error\" error=\"").append(escaped).append('"');
    emit(out);
    kubelet(node, 'E', "log.go:32");
    line.append("\"RunPodSandbox from runtime service failed\" err=\"").append(grpcEscaped).append('"');
    emit(out);
    kubelet(node, 'E', "kuberuntime_sandbox.go:72");
    line.append("\"Failed to create sandbox for pod\" err=\"").append(grpcEscaped).append("\" pod=\"")
        .append(ns).append('/').append(pod).append('"');
    emit(out);
    kubelet(node, 'E', "kuberuntime_manager.go:1172");
    line.append("\"CreatePodSandbox for pod failed\" err=\"").append(grpcEscaped).append("\" pod=\"")
        .append(ns).append('/').append(pod).append('"');
    emit(out);
    kubelet(node, 'E', "pod_workers.go:1298");
    String podRef = pod + "_" + ns + "(" + uid + ")";
    String nested = "Failed to create sandbox for pod \\\"" + podRef + "\\\": " + grpc;
    line.append("\"Error syncing pod, skipping\" err=\"failed to \\\"CreatePodSandbox\\\" for \\\"")
        .append(podRef).append("\\\" with CreatePodSandboxError: \\\"")
        .append(nested.replace("\\", "\\\\").replace("\"", "\\\"")).append("\\\"\" pod=\"")
        .append(ns).append('/').append(pod).append("\" podUID=\"").append(uid).append('"');
    emit(out);
    setupNetworkLines += 5;
  }

  private void networkNotReady(OutputStream out, int node) throws IOException {
    kubelet(node, 'E', "kubelet.go:2892");
    line.append("\"Container runtime network not ready\" networkReady=\"NetworkReady=false"
        + " reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized\"");
    emit(out);
    notReadyLines++;
  }

  // ---------------------------------------------------------------------------------------------
  // Chatter

  private void chatter(OutputStream out, int node, int roll) throws IOException {
    String ns = NAMESPACES[random.nextInt(NAMESPACES.length)];
    String pod = podName();
    int kind = roll % 10;
    switch (kind) {
      case 0, 1 -> {
        kubelet(node, 'I', "kubelet.go:2457");
        line.append("\"SyncLoop (PLEG): event for pod\" pod=\"").append(ns).append('/').append(pod)
            .append("\" event={\"ID\":\"").append(uid()).append("\",\"Type\":\"ContainerStarted\",\"Data\":\"")
            .append(hex(64)).append("\"}");
      }
      case 2 -> {
        kubelet(node, 'I', "reconciler_common.go:258");
        String vol = "kube-api-access-" + hex(5);
        String uid = uid();
        line.append("\"operationExecutor.MountVolume started for volume \\\"").append(vol)
            .append("\\\" (UniqueName: \\\"kubernetes.io/projected/").append(uid).append('-').append(vol)
            .append("\\\") pod \\\"").append(pod).append("\\\" (UID: \\\"").append(uid).append("\\\") \" pod=\"")
            .append(ns).append('/').append(pod).append('"');
      }
      case 3 -> {
        kubelet(node, 'I', "operation_generator.go:721");
        String vol = "kube-api-access-" + hex(5);
        line.append("\"MountVolume.SetUp succeeded for volume \\\"").append(vol)
            .append("\\\" (UniqueName: \\\"kubernetes.io/projected/").append(uid()).append('-').append(vol)
            .append("\\\") pod \\\"").append(pod).append("\\\" (UID: \\\"").append(uid()).append("\\\") \" pod=\"")
            .append(ns).append('/').append(pod).append('"');
      }
      case 4 -> {
        containerd(node, "info");
        String image = IMAGES[random.nextInt(IMAGES.length)];
        if (random.nextBoolean()) {
          line.append("msg=\"PullImage \\\"").append(image).append("\\\"\"");
        } else {
          line.append("msg=\"ImageCreate event name:\\\"").append(image)
              .append("\\\" labels:{key:\\\"io.cri-containerd.image\\\" value:\\\"managed\\\"}\"");
        }
      }
      case 5 -> {
        containerd(node, "info");
        line.append("msg=\"StartContainer for \\\"").append(hex(64)).append("\\\" returns successfully\"");
      }
      case 6 -> {
        containerd(node, "info");
        if (random.nextInt(3) == 0) {
          line.append("msg=\"RunPodSandbox for &PodSandboxMetadata{Name:").append(pod).append(",Uid:").append(uid())
              .append(",Namespace:").append(ns).append(",Attempt:0,} returns sandbox id \\\"").append(hex(64)).append("\\\"\"");
        } else {
          line.append("msg=\"CreateContainer within sandbox \\\"").append(hex(64))
              .append("\\\" for container &ContainerMetadata{Name:").append(APPS[random.nextInt(APPS.length)])
              .append(",Attempt:0,} returns container id \\\"").append(hex(64)).append("\\\"\"");
        }
      }
      case 7 -> {
        kubelet(node, 'I', "prober.go:107");
        line.append("\"Probe failed\" probeType=\"Readiness\" pod=\"").append(ns).append('/').append(pod)
            .append("\" podUID=\"").append(uid()).append("\" containerName=\"app\" probeResult=\"failure\""
                + " output=\"Get \\\"http://10.244.").append(node + 1).append('.').append(2 + random.nextInt(250))
            .append(":8080/healthz\\\": dial tcp 10.244.").append(node + 1).append('.').append(2 + random.nextInt(250))
            .append(":8080: connect: connection refused\"");
      }
      case 8 -> {
        kubelet(node, 'I', "kubelet.go:2393");
        line.append("\"SyncLoop UPDATE\" source=\"api\" pods=[\"").append(ns).append('/').append(pod).append("\"]");
      }
      default -> {
        kubelet(node, 'I', "pod_startup_latency_tracker.go:102");
        line.append("\"Observed pod startup duration\" pod=\"").append(ns).append('/').append(pod)
            .append("\" podStartSLOduration=").append(1 + random.nextInt(9)).append('.').append(hex(3).replaceAll("[a-f]", "7"))
            .append(" podStartE2EDuration=\"").append(2 + random.nextInt(20)).append(".0s\" podCreationTimestamp=\"")
            .append("2026-11-19 23:5").append(random.nextInt(10)).append(":00 +0000 UTC\" firstStartedPulling=\"0001-01-01 00:00:00 +0000 UTC\"");
      }
    }
    emit(out);
  }
}
