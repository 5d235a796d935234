import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Writes a synthetic snapshot of a cluster at the Kubernetes scalability envelope (5,000 nodes,
 * 150,000 pods, 300,000 events) in exactly the shape of {@code kubectl get ... -A -o json}: a
 * {@code List} with {@code items}, 4-space indentation, keys sorted like Go's encoding/json prints
 * unstructured objects, {@code <>&} escaped the way Go escapes them.
 *
 * <p>Run as a single-file program: {@code java bench/GenerateCluster.java OUTDIR [--nodes 5000
 * --pods 150000 --events 300000 --seed 42 --indent 4|0]}. Only the JDK is needed.
 *
 * <p>Memory grows with nodes and workloads (a few small arrays), never with pods or events: every
 * object is built as a small tree, written through a BufferedWriter and dropped. Items of one
 * namespace are planned as light records so they can be written in the order the API server lists
 * them (namespace, then name). Every random choice is a hash of (seed, what, which), so the same
 * seed gives byte-identical files.
 *
 * <p>A few nodes carry known network failures (the ground truth, written to ground-truth.json):
 * pods there sit in ContainerCreating with FailedCreatePodSandBox events whose messages are the real
 * runtime/CNI texts. The message families are mixed on purpose (bridge/host-local, calico, flannel,
 * aws-cni), to exercise a classifier; a real cluster runs one CNI.
 */
public final class GenerateCluster {

  static final long NOW = Instant.parse("2026-11-20T10:00:00Z").getEpochSecond();
  static final long CLUSTER_BORN = Instant.parse("2025-03-02T08:14:09Z").getEpochSecond();
  static final String K8S_VERSION = "v1.29.4";
  static final String CALICO_VERSION = "v3.27.3";
  static final String CLUSTER_CIDR = "10.0.0.0/8";
  static final String SERVICE_CIDR = "172.30.0.0/16";
  static final String NODE_NETWORK = "172.16.0.0/16";
  static final int CONTROL_PLANES = 3;
  /** Block index of 10.244.1.0/24 inside 10.0.0.0/8, given to the first exhausted node. */
  static final int VERBATIM_EXHAUSTED_BLOCK = (244 << 8) | 1;

  static final String SKIP = new String("<skip>");

  public static void main(String[] args) throws IOException {
    Config config;
    try {
      config = Config.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("GenerateCluster: " + e.getMessage());
      System.err.println(Config.USAGE);
      System.exit(2);
      return;
    }
    if (config == null) {
      System.out.println(Config.USAGE);
      return;
    }
    try {
      new Generator(config).run();
    } catch (IllegalArgumentException e) {
      System.err.println("GenerateCluster: " + e.getMessage());
      System.exit(2);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Options

  record Config(Path out, int nodes, int pods, int events, long seed, int indent) {
    static final String USAGE =
        "usage: java bench/GenerateCluster.java OUTDIR [--nodes 5000] [--pods 150000]"
            + " [--events 300000] [--seed 42] [--indent 4|0]";

    static Config parse(String[] args) {
      Path out = null;
      int nodes = 5000;
      int pods = 150_000;
      int events = 300_000;
      long seed = 42;
      int indent = 4;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("-h") || a.equals("--help")) {
          return null;
        }
        if (a.startsWith("--")) {
          String name = a;
          String value;
          int eq = a.indexOf('=');
          if (eq > 0) {
            name = a.substring(0, eq);
            value = a.substring(eq + 1);
          } else {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException("missing value for " + a);
            }
            value = args[++i];
          }
          try {
            switch (name) {
              case "--nodes" -> nodes = Integer.parseInt(value);
              case "--pods" -> pods = Integer.parseInt(value);
              case "--events" -> events = Integer.parseInt(value);
              case "--seed" -> seed = Long.parseLong(value);
              case "--indent" -> indent = Integer.parseInt(value);
              default -> throw new IllegalArgumentException("unknown option " + name);
            }
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number for " + name + ": " + value);
          }
        } else if (out == null) {
          out = Path.of(a);
        } else {
          throw new IllegalArgumentException("unexpected argument " + a);
        }
      }
      if (out == null) {
        throw new IllegalArgumentException("OUTDIR is required");
      }
      if (indent != 0 && indent != 4) {
        throw new IllegalArgumentException("--indent must be 4 (kubectl) or 0 (compact)");
      }
      if (nodes < 40 || nodes > 60_000) {
        throw new IllegalArgumentException("--nodes must be between 40 and 60000");
      }
      if (events < 0 || pods < 0) {
        throw new IllegalArgumentException("--pods and --events must not be negative");
      }
      return new Config(out, nodes, pods, events, seed, indent);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // JSON output, byte-compatible with Go's json.MarshalIndent(obj, "", "    ") on unstructured maps

  /** Writes JSON values built from TreeMap (objects), List (arrays), String, Integer, Long, Boolean, null. */
  static final class Json {
    private final Writer w;
    private final boolean pretty;
    private final String[] newline = new String[48];
    private final String colon;

    Json(Writer w, int indent) {
      this.w = w;
      this.pretty = indent > 0;
      for (int i = 0; i < newline.length; i++) {
        newline[i] = pretty ? "\n" + " ".repeat(i * indent) : "";
      }
      this.colon = pretty ? ": " : ":";
    }

    void newline(int level) throws IOException {
      if (pretty) {
        w.write(newline[level]);
      }
    }

    void raw(String s) throws IOException {
      w.write(s);
    }

    void value(Object v, int level) throws IOException {
      if (v == null) {
        w.write("null");
      } else if (v instanceof String s) {
        string(s);
      } else if (v instanceof Map<?, ?> m) {
        object(m, level);
      } else if (v instanceof List<?> l) {
        array(l, level);
      } else if (v instanceof Integer || v instanceof Long || v instanceof Boolean) {
        w.write(v.toString());
      } else {
        throw new IllegalArgumentException("not a JSON value: " + v.getClass());
      }
    }

    private void object(Map<?, ?> m, int level) throws IOException {
      if (m.isEmpty()) {
        w.write("{}");
        return;
      }
      if (!(m instanceof TreeMap)) {
        throw new IllegalStateException("objects must be TreeMaps so keys come out sorted");
      }
      w.write('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          w.write(',');
        }
        first = false;
        newline(level + 1);
        string((String) e.getKey());
        w.write(colon);
        value(e.getValue(), level + 1);
      }
      newline(level);
      w.write('}');
    }

    private void array(List<?> l, int level) throws IOException {
      if (l.isEmpty()) {
        w.write("[]");
        return;
      }
      w.write('[');
      boolean first = true;
      for (Object o : l) {
        if (!first) {
          w.write(',');
        }
        first = false;
        newline(level + 1);
        value(o, level + 1);
      }
      newline(level);
      w.write(']');
    }

    private static boolean needsEscape(char c) {
      return c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&'
          || c == '\u2028' || c == '\u2029';
    }

    void string(String s) throws IOException {
      int n = s.length();
      int i = 0;
      while (i < n && !needsEscape(s.charAt(i))) {
        i++;
      }
      w.write('"');
      if (i == n) {
        w.write(s);
      } else {
        w.write(s, 0, i);
        for (; i < n; i++) {
          char c = s.charAt(i);
          if (!needsEscape(c)) {
            w.write(c);
            continue;
          }
          switch (c) {
            case '"' -> w.write("\\\"");
            case '\\' -> w.write("\\\\");
            case '\n' -> w.write("\\n");
            case '\r' -> w.write("\\r");
            case '\t' -> w.write("\\t");
            default -> w.write(String.format("\\u%04x", (int) c));
          }
        }
      }
      w.write('"');
    }
  }

  /** Streams a {@code kubectl get -o json} List: header, items one at a time, footer. */
  static final class ListFile implements Closeable {
    final Path path;
    private final Writer writer;
    final Json json;
    long items;

    ListFile(Path path, int indent) throws IOException {
      this.path = path;
      this.writer =
          new BufferedWriter(
              new OutputStreamWriter(new FileOutputStream(path.toFile()), StandardCharsets.UTF_8),
              1 << 20);
      this.json = new Json(writer, indent);
      writer.write('{');
      json.newline(1);
      json.string("apiVersion");
      json.raw(indent > 0 ? ": " : ":");
      json.string("v1");
      writer.write(',');
      json.newline(1);
      json.string("items");
      json.raw(indent > 0 ? ": [" : ":[");
    }

    void add(Map<String, Object> item) throws IOException {
      if (items > 0) {
        writer.write(',');
      }
      json.newline(2);
      json.value(item, 2);
      items++;
    }

    @Override
    public void close() throws IOException {
      if (items > 0) {
        json.newline(1);
      }
      writer.write("],");
      json.newline(1);
      json.string("kind");
      json.raw(json.colon);
      json.string("List");
      writer.write(',');
      json.newline(1);
      json.string("metadata");
      json.raw(json.colon);
      writer.write('{');
      json.newline(2);
      json.string("resourceVersion");
      json.raw(json.colon);
      json.string("");
      json.newline(1);
      writer.write('}');
      json.newline(0);
      writer.write("}\n");
      writer.close();
    }
  }

  static void writeJsonFile(Path path, Object value, int indent) throws IOException {
    try (Writer w =
        new BufferedWriter(
            new OutputStreamWriter(new FileOutputStream(path.toFile()), StandardCharsets.UTF_8))) {
      new Json(w, indent).value(value, 0);
      w.write('\n');
    }
  }

  /** An object with sorted keys; values equal to {@link #SKIP} are left out. */
  static TreeMap<String, Object> o(Object... kv) {
    TreeMap<String, Object> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] != SKIP) {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  /** An array; null elements are JSON nulls. */
  static List<Object> a(Object... items) {
    return new ArrayList<>(Arrays.asList(items));
  }

  // ---------------------------------------------------------------------------------------------
  // Model

  enum Problem {
    NONE("", ""),
    IPAM_EXHAUSTED("ipam_exhausted", "pod range exhausted: host-local under bridge has no free address"),
    CNI_NOT_INITIALIZED("cni_config_missing", "node NotReady: NetworkPluginNotReady, cni plugin not initialized"),
    NODE_CIDR_MISSING("node_cidr_missing", "node has no spec.podCIDR; flannel cannot write subnet.env"),
    CALICO_UNAUTHORIZED("datastore_unreachable", "calico CNI cannot authenticate to its datastore (Unauthorized)"),
    AWS_IPAMD_DOWN("agent_not_ready", "aws-cni ipamd on 127.0.0.1:50051 refuses connections");

    final String expectedCause;
    final String summary;

    Problem(String expectedCause, String summary) {
      this.expectedCause = expectedCause;
      this.summary = summary;
    }
  }

  enum Kind {
    DEPLOYMENT,
    STATEFULSET,
    CRONJOB
  }

  enum State {
    RUNNING,
    CRASHLOOP,
    CREATING, // sandbox up (has a podIP), image still pulling: ContainerCreating, not a network problem
    JUST_SCHEDULED, // bound a second or two ago, sandbox not created yet: too young to judge
    IMAGE_PULL,
    SUCCEEDED,
    SANDBOX_FAILING,
    UNSCHEDULED,
    CALICO_CRASHLOOP,
    CALICO_UNREADY
  }

  enum SysKind {
    NONE,
    CALICO_NODE,
    KUBE_PROXY,
    FLUENT_BIT,
    STATIC,
    COREDNS,
    CALICO_KUBE_CONTROLLERS
  }

  static final class Namespace {
    final int index;
    final String name;
    final String team;
    final String env;
    final String uid;
    final boolean app;
    final List<Workload> workloads = new ArrayList<>();
    int podOffset;
    int podCount;
    int fillerEvents;

    Namespace(int index, String name, String team, String env, String uid, boolean app) {
      this.index = index;
      this.name = name;
      this.team = team;
      this.env = env;
      this.uid = uid;
      this.app = app;
    }
  }

  static final class Workload {
    Namespace ns;
    int index;
    String name;
    Kind kind;
    int replicas;
    int podOffset; // index of its first pod inside the namespace
    String templateHash;
    String uid;
    String ownerUid; // ReplicaSet uid for deployments
    String image;
    String imageId;
    String version;
    boolean sidecar;
    int envCount; // workloads differ: how many env vars, which probes, how hardened
    boolean liveness;
    boolean hardened;
    boolean metricsPort;
    boolean antiAffinity;
    boolean service;
    String cpuRequest;
    String memoryRequest;
    String memoryLimit;
    long created;
  }

  /** A planned pod: enough to build its object and its events, nothing more. */
  record PodRef(
      long key,
      Namespace ns,
      String name,
      Workload workload,
      int ordinal,
      SysKind sys,
      String sysRole,
      int node,
      State state,
      boolean recent,
      long created) {}

  /** A planned event. */
  record Ev(
      String involvedKind,
      String involvedApiVersion,
      String involvedName,
      String involvedUid,
      String fieldPath,
      long first,
      long last,
      int count,
      String type,
      String reason,
      String message,
      String component,
      String host,
      boolean eventsApi,
      String action,
      boolean lifecycle,
      long nameNanos) {

    String name() {
      return involvedName + "." + Long.toHexString(nameNanos);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generator

  static final class Generator {
    final Config c;
    final long seed;
    final int nodeCount;
    final String[] nodeName;
    final String[] nodeUid;
    final Problem[] problem;
    final int[] block;
    final int[] maxPods;
    final long[] nodeCreated;
    final int[] nextHost;
    final int[] podsOnNode;
    final List<Namespace> appNamespaces = new ArrayList<>();
    final List<Namespace> allNamespaces = new ArrayList<>();
    Namespace kubeSystem;
    Namespace logging;
    Namespace defaultNs;
    int workloadPods;
    int[] slot; // per workload pod: (node + 1) << 2 | class; class 0 regular, 1 special running, 2 failing
    int corednsReplicas;
    String corednsHash;
    String kccHash;
    double recentFraction = 0.25;
    final Map<Problem, List<Integer>> problemNodes = new LinkedHashMap<>();
    final Map<String, Long> fileSizes = new LinkedHashMap<>();
    final Map<String, Double> fileSeconds = new LinkedHashMap<>();
    // counts gathered while writing
    final Map<String, Integer> podsByPhase = new TreeMap<>();
    final Map<String, Integer> waitingReasons = new TreeMap<>();
    int hostNetworkPods;
    int pendingPods;
    int unscheduledPods;
    int containerCreatingPods;
    int sandboxFailingPods;
    int sidecarPods;
    int sandboxEvents;
    int writtenEvents;
    int services;
    final Map<Integer, List<String>> failingPodsByNode = new TreeMap<>();
    final Map<Integer, Integer> sandboxEventsByNode = new TreeMap<>();
    final Map<Integer, String> sampleMessageByNode = new TreeMap<>();
    final Map<Integer, Integer> ipsInUse = new TreeMap<>();
    long podBytesSample;

    Generator(Config c) {
      this.c = c;
      this.seed = c.seed();
      this.nodeCount = c.nodes();
      nodeName = new String[nodeCount];
      nodeUid = new String[nodeCount];
      problem = new Problem[nodeCount];
      block = new int[nodeCount];
      maxPods = new int[nodeCount];
      nodeCreated = new long[nodeCount];
      nextHost = new int[nodeCount];
      podsOnNode = new int[nodeCount];
    }

    // --- deterministic randomness --------------------------------------------------------------

    static long mix(long z) {
      z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
      z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
      return z ^ (z >>> 33);
    }

    long hash(long tag, long a) {
      return mix(mix(seed * 0x9E3779B97F4A7C15L + tag) + a * 0xD6E8FEB86659FD93L);
    }

    long hash(long tag, long a, long b) {
      return mix(hash(tag, a) + b * 0x9E3779B97F4A7C15L);
    }

    SplittableRandom rng(long tag, long a) {
      return new SplittableRandom(hash(tag, a));
    }

    SplittableRandom rng(long tag, long a, long b) {
      return new SplittableRandom(hash(tag, a, b));
    }

    static final long T_NODE = 1, T_NS = 2, T_WL = 3, T_POD = 4, T_SLOT = 5, T_EVENT = 6,
        T_PICK = 7, T_STATE = 8, T_SVC = 9, T_FILL = 10, T_SYS = 11, T_NSSIZE = 12;

    static final char[] HEX = "0123456789abcdef".toCharArray();
    static final char[] SUFFIX = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

    static String hex(SplittableRandom r, int n) {
      char[] out = new char[n];
      for (int i = 0; i < n; i++) {
        out[i] = HEX[r.nextInt(16)];
      }
      return new String(out);
    }

    static String suffix(SplittableRandom r, int n) {
      char[] out = new char[n];
      for (int i = 0; i < n; i++) {
        out[i] = SUFFIX[r.nextInt(SUFFIX.length)];
      }
      return new String(out);
    }

    static String uuid(SplittableRandom r) {
      String h = hex(r, 32);
      char variant = "89ab".charAt(r.nextInt(4));
      return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-"
          + variant + h.substring(17, 20) + "-" + h.substring(20, 32);
    }

    static String ts(long epochSecond) {
      return Instant.ofEpochSecond(epochSecond).toString();
    }

    static String micro(long epochSecond, int micros) {
      String s = Instant.ofEpochSecond(epochSecond).toString();
      return s.substring(0, s.length() - 1) + "." + String.format("%06d", micros) + "Z";
    }

    static String rv(SplittableRandom r) {
      return Integer.toString(100_000_000 + r.nextInt(900_000_000));
    }

    // --- addresses ------------------------------------------------------------------------------

    /**
     * When the CNI config vanished on a CNI_NOT_INITIALIZED node (calico-node started crash-looping). The
     * node turns NotReady 60 s later and is tainted 40 s after that; pods tolerate not-ready for 300 s, so
     * the snapshot (about 290 s after the break) still shows them bound and stuck.
     */
    long cniBreak(int node) {
      return NOW - 280 - rng(T_EVENT, SYS_KEY * 9 + node).nextInt(20);
    }

    long notReadySince(int node) {
      return cniBreak(node) + 60;
    }

    String nodeIp(int node) {
      int n = node + 10;
      return "172.16." + (n / 250) + "." + (n % 250 + 1);
    }

    static String blockBase(int b) {
      return "10." + (b >> 8) + "." + (b & 255) + ".";
    }

    String podCidr(int node) {
      return block[node] < 0 ? null : blockBase(block[node]) + "0/24";
    }

    String rangeSet(int node) {
      String base = blockBase(block[node]);
      return base + "2-" + base + "254";
    }

    String zone(int node) {
      return "zone-" + "abc".charAt(node % 3);
    }

    // --- plan -----------------------------------------------------------------------------------

    void plan() {
      int width = Math.max(4, Integer.toString(nodeCount).length());
      for (int i = 0; i < nodeCount; i++) {
        nodeName[i] = i < CONTROL_PLANES
            ? String.format("cp-%02d", i + 1)
            : String.format("worker-%0" + width + "d", i - CONTROL_PLANES + 1);
        SplittableRandom r = rng(T_NODE, i);
        nodeUid[i] = uuid(r);
        problem[i] = Problem.NONE;
        maxPods[i] = 110;
        nodeCreated[i] = i < CONTROL_PLANES
            ? CLUSTER_BORN + i * 97L
            : CLUSTER_BORN + 3600 + (long) ((NOW - CLUSTER_BORN - 7200) * Math.pow(r.nextDouble(), 2.5));
        nextHost[i] = 2;
      }
      // pick the problem nodes among workers
      List<Integer> workers = new ArrayList<>();
      for (int i = CONTROL_PLANES; i < nodeCount; i++) {
        workers.add(i);
      }
      Collections.shuffle(workers, new java.util.Random(hash(T_PICK, 1)));
      int k = 0;
      int[][] counts = {
        {Problem.IPAM_EXHAUSTED.ordinal(), 3},
        {Problem.CNI_NOT_INITIALIZED.ordinal(), 2},
        {Problem.NODE_CIDR_MISSING.ordinal(), 5},
        {Problem.CALICO_UNAUTHORIZED.ordinal(), 2},
        {Problem.AWS_IPAMD_DOWN.ordinal(), 2}
      };
      for (int[] pc : counts) {
        Problem p = Problem.values()[pc[0]];
        List<Integer> chosen = new ArrayList<>(workers.subList(k, k + pc[1]));
        Collections.sort(chosen);
        k += pc[1];
        problemNodes.put(p, chosen);
        for (int n : chosen) {
          problem[n] = p;
        }
      }
      for (int n : problemNodes.get(Problem.IPAM_EXHAUSTED)) {
        maxPods[n] = 250;
      }
      for (int n : problemNodes.get(Problem.NODE_CIDR_MISSING)) {
        nodeCreated[n] = NOW - 3 * 3600 - rng(T_NODE, n, 1).nextInt(7200);
      }
      for (int n : problemNodes.get(Problem.CNI_NOT_INITIALIZED)) {
        nodeCreated[n] = Math.min(nodeCreated[n], NOW - 20 * 86400);
      }
      // node IPAM: blocks in registration order, as the range allocator hands them out
      Integer[] byCreation = new Integer[nodeCount];
      for (int i = 0; i < nodeCount; i++) {
        byCreation[i] = i;
      }
      Arrays.sort(byCreation, Comparator.comparingLong((Integer i) -> nodeCreated[i]).thenComparing(i -> i));
      int next = 0;
      int verbatimNode = problemNodes.get(Problem.IPAM_EXHAUSTED).get(0);
      for (int i : byCreation) {
        if (problem[i] == Problem.NODE_CIDR_MISSING) {
          block[i] = -1;
        } else if (i == verbatimNode) {
          block[i] = VERBATIM_EXHAUSTED_BLOCK;
        } else {
          if (next == VERBATIM_EXHAUSTED_BLOCK) {
            next++;
          }
          block[i] = next++;
        }
      }

      // system pods
      corednsReplicas = Math.max(2, Math.min(10, nodeCount / 500));
      SplittableRandom sr = rng(T_SYS, 0);
      corednsHash = suffix(sr, 10);
      kccHash = suffix(sr, 10);
      int systemPods = 3 * nodeCount + 4 * CONTROL_PLANES + corednsReplicas + 1;
      workloadPods = c.pods() - systemPods;
      int special = specialSlots();
      if (workloadPods < 2 * special) {
        throw new IllegalArgumentException(
            "--pods " + c.pods() + " is too small for " + nodeCount + " nodes: need at least "
                + (systemPods + 2 * special) + " (3 DaemonSet pods per node plus the problem nodes' pods)");
      }
      int regularNodes = nodeCount - CONTROL_PLANES - 14;
      if (workloadPods - special > regularNodes * 100) {
        throw new IllegalArgumentException("--pods " + c.pods() + " does not fit on " + nodeCount + " nodes (max 110 pods each)");
      }
      planNamespaces();
      planSlots();
      countEvents();
    }

    int failingQuota(Problem p) {
      return switch (p) {
        case IPAM_EXHAUSTED -> 10;
        case CNI_NOT_INITIALIZED -> 14;
        case NODE_CIDR_MISSING -> 8;
        case CALICO_UNAUTHORIZED, AWS_IPAMD_DOWN -> 12;
        case NONE -> 0;
      };
    }

    int runningQuota(Problem p) {
      return switch (p) {
        case IPAM_EXHAUSTED -> 236; // + fluent-bit = 237 IPs held, the rest of the 253 leaked
        case CALICO_UNAUTHORIZED, AWS_IPAMD_DOWN -> 24;
        default -> 0;
      };
    }

    int specialSlots() {
      int s = 0;
      for (int i = 0; i < nodeCount; i++) {
        s += failingQuota(problem[i]) + runningQuota(problem[i]);
      }
      return s;
    }

    static final String[] TEAMS = {
      "accounts", "analytics", "auth", "billing", "cart", "catalog", "checkout", "chat", "content",
      "crm", "data", "delivery", "discovery", "email", "feeds", "fraud", "gateway", "geo",
      "identity", "inventory", "ledger", "loyalty", "media", "ml", "notify", "orders", "partner",
      "payments", "pricing", "profile", "recs", "reporting", "reviews", "search", "shipping",
      "social", "storefront", "support", "tax", "video"
    };
    static final String[] ENVS = {"prod", "staging", "dev", "qa", "perf"};
    static final String[] ROLES = {
      "api", "web", "worker", "consumer", "cron", "cache", "frontend", "backend", "scheduler",
      "indexer", "sync", "proxy", "admin", "events", "grpc", "stream", "batch", "exporter",
      "reconciler", "notifier"
    };
    static final int[] REPLICAS = {1, 2, 2, 3, 3, 3, 4, 6, 8, 12, 20, 30, 50};

    void planNamespaces() {
      int nsCount = Math.max(1, Math.min(TEAMS.length * ENVS.length, workloadPods / 100));
      List<String[]> combos = new ArrayList<>();
      for (String t : TEAMS) {
        for (String e : ENVS) {
          combos.add(new String[] {t, e});
        }
      }
      Collections.shuffle(combos, new java.util.Random(hash(T_NS, 0)));
      List<String[]> chosen = new ArrayList<>(combos.subList(0, nsCount));
      chosen.sort(Comparator.comparing((String[] x) -> x[0] + "-" + x[1]));
      double[] weight = new double[nsCount];
      double sum = 0;
      for (int i = 0; i < nsCount; i++) {
        double u = rng(T_NSSIZE, i).nextDouble();
        weight[i] = 0.15 + Math.pow(u, 3) * 3; // a few big namespaces, many small ones
        sum += weight[i];
      }
      int assigned = 0;
      int[] size = new int[nsCount];
      for (int i = 0; i < nsCount; i++) {
        size[i] = Math.max(1, (int) Math.floor(workloadPods * weight[i] / sum));
        assigned += size[i];
      }
      for (int i = 0; assigned != workloadPods; i = (i + 1) % nsCount) {
        if (assigned < workloadPods) {
          size[i]++;
          assigned++;
        } else if (size[i] > 1) {
          size[i]--;
          assigned--;
        }
      }
      int offset = 0;
      for (int i = 0; i < nsCount; i++) {
        String[] te = chosen.get(i);
        SplittableRandom r = rng(T_NS, 1, i);
        Namespace ns = new Namespace(i, te[0] + "-" + te[1], te[0], te[1], uuid(r), true);
        ns.podOffset = offset;
        ns.podCount = size[i];
        offset += size[i];
        planWorkloads(ns, r);
        appNamespaces.add(ns);
      }
      kubeSystem = new Namespace(-1, "kube-system", "platform", "system", uuid(rng(T_NS, 2, 1)), false);
      logging = new Namespace(-2, "logging", "platform", "system", uuid(rng(T_NS, 2, 2)), false);
      defaultNs = new Namespace(-3, "default", "platform", "system", uuid(rng(T_NS, 2, 3)), false);
      allNamespaces.addAll(appNamespaces);
      allNamespaces.add(kubeSystem);
      allNamespaces.add(logging);
      allNamespaces.add(defaultNs);
      allNamespaces.sort(Comparator.comparing(n -> n.name));
    }

    void planWorkloads(Namespace ns, SplittableRandom r) {
      Set<String> used = new HashSet<>();
      int placed = 0;
      int idx = 0;
      while (placed < ns.podCount) {
        Workload w = new Workload();
        w.ns = ns;
        w.index = idx++;
        String role = ROLES[r.nextInt(ROLES.length)];
        String base = ns.team + "-" + role;
        String name = base;
        for (int n = 2; used.contains(name); n++) {
          name = base + "-" + n;
        }
        used.add(name);
        w.name = name;
        w.kind = role.equals("cron") || role.equals("batch")
            ? Kind.CRONJOB
            : role.equals("cache") || role.equals("indexer") ? Kind.STATEFULSET : Kind.DEPLOYMENT;
        int replicas = REPLICAS[r.nextInt(REPLICAS.length)];
        if (w.kind == Kind.CRONJOB) {
          replicas = Math.min(replicas, 6);
        }
        w.replicas = Math.min(replicas, ns.podCount - placed);
        w.podOffset = placed;
        placed += w.replicas;
        w.templateHash = w.kind == Kind.STATEFULSET ? name + "-" + suffix(r, 10).toLowerCase() : suffix(r, 10);
        w.uid = uuid(r);
        w.ownerUid = uuid(r);
        w.version = (1 + r.nextInt(4)) + "." + r.nextInt(30) + "." + r.nextInt(12);
        w.image = "registry.acme.internal/" + ns.team + "/" + name + ":" + w.version;
        w.imageId = "registry.acme.internal/" + ns.team + "/" + name + "@sha256:" + hex(r, 64);
        w.sidecar = r.nextInt(100) < 17; // about 15% of pods: sidecar workloads are not the biggest
        w.envCount = r.nextInt(6);
        w.liveness = r.nextInt(100) < 50;
        w.hardened = r.nextInt(100) < 40;
        w.metricsPort = r.nextInt(100) < 40;
        w.antiAffinity = r.nextInt(100) < 30;
        w.service = w.kind != Kind.CRONJOB && r.nextInt(100) < 75;
        w.cpuRequest = new String[] {"50m", "100m", "200m", "250m", "500m", "1"}[r.nextInt(6)];
        int mem = new int[] {64, 128, 256, 512, 1024}[r.nextInt(5)];
        w.memoryRequest = mem + "Mi";
        w.memoryLimit = (mem * 2) + "Mi";
        w.created = CLUSTER_BORN + (long) ((NOW - CLUSTER_BORN - 86400) * r.nextDouble());
        ns.workloads.add(w);
      }
    }

    void planSlots() {
      slot = new int[workloadPods];
      int s = 0;
      for (int n = 0; n < nodeCount; n++) {
        for (int i = 0; i < runningQuota(problem[n]); i++) {
          slot[s++] = ((n + 1) << 2) | 1;
        }
        for (int i = 0; i < failingQuota(problem[n]); i++) {
          slot[s++] = ((n + 1) << 2) | 2;
        }
        podsOnNode[n] += runningQuota(problem[n]) + failingQuota(problem[n]);
      }
      int unscheduled = Math.max(1, (int) Math.round(workloadPods * 0.009));
      for (int i = 0; i < unscheduled && s < workloadPods; i++) {
        slot[s++] = 0;
      }
      List<Integer> regular = new ArrayList<>();
      for (int n = CONTROL_PLANES; n < nodeCount; n++) {
        if (problem[n] == Problem.NONE) {
          regular.add(n);
        }
      }
      SplittableRandom r = rng(T_SLOT, 0);
      int cap = 110 - 3;
      while (s < workloadPods) {
        int n = regular.get(r.nextInt(regular.size()));
        if (podsOnNode[n] >= cap) {
          continue;
        }
        podsOnNode[n]++;
        slot[s++] = (n + 1) << 2;
      }
      for (int i = workloadPods - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = slot[i];
        slot[i] = slot[j];
        slot[j] = t;
      }
    }

    // --- pod planning per namespace ------------------------------------------------------------

    static final long SYS_KEY = 1L << 40;

    List<PodRef> podsOf(Namespace ns) {
      List<PodRef> out = new ArrayList<>();
      Set<String> names = new HashSet<>();
      if (ns.app) {
        for (Workload w : ns.workloads) {
          for (int i = 0; i < w.replicas; i++) {
            int key = ns.podOffset + w.podOffset + i;
            out.add(workloadPodRef(ns, w, i, key, names));
          }
        }
      } else if (ns == kubeSystem) {
        for (int n = 0; n < nodeCount; n++) {
          out.add(dsPodRef(ns, SysKind.CALICO_NODE, "calico-node", n, names));
          out.add(dsPodRef(ns, SysKind.KUBE_PROXY, "kube-proxy", n, names));
        }
        for (int n = 0; n < CONTROL_PLANES; n++) {
          String[] roles = {"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"};
          for (int ri = 0; ri < roles.length; ri++) {
            String role = roles[ri];
            long key = SYS_KEY * 4 + n * 8L + ri;
            out.add(new PodRef(key, ns, role + "-" + nodeName[n], null, 0, SysKind.STATIC, role, n,
                State.RUNNING, false, nodeCreated[n] + 60));
          }
        }
        for (int i = 0; i < corednsReplicas; i++) {
          long key = SYS_KEY * 5 + i;
          SplittableRandom r = rng(T_SYS, key);
          String name;
          do {
            name = "coredns-" + corednsHash + "-" + suffix(r, 5);
          } while (!names.add(name));
          int node = regularNodeFor(r);
          out.add(new PodRef(key, ns, name, null, i, SysKind.COREDNS, "coredns", node, State.RUNNING,
              false, NOW - 86400L * (3 + r.nextInt(60))));
        }
        long key = SYS_KEY * 6;
        SplittableRandom r = rng(T_SYS, key);
        out.add(new PodRef(key, ns, "calico-kube-controllers-" + kccHash + "-" + suffix(r, 5), null, 0,
            SysKind.CALICO_KUBE_CONTROLLERS, "calico-kube-controllers", regularNodeFor(r), State.RUNNING,
            false, NOW - 86400L * (3 + r.nextInt(60))));
      } else if (ns == logging) {
        for (int n = 0; n < nodeCount; n++) {
          out.add(dsPodRef(ns, SysKind.FLUENT_BIT, "fluent-bit", n, names));
        }
      }
      out.sort(Comparator.comparing(PodRef::name));
      return out;
    }

    int regularNodeFor(SplittableRandom r) {
      while (true) {
        int n = CONTROL_PLANES + r.nextInt(nodeCount - CONTROL_PLANES);
        if (problem[n] == Problem.NONE) {
          return n;
        }
      }
    }

    PodRef dsPodRef(Namespace ns, SysKind kind, String base, int node, Set<String> names) {
      long key = SYS_KEY * kind.ordinal() + node;
      SplittableRandom r = rng(T_SYS, key);
      String name;
      do {
        name = base + "-" + suffix(r, 5);
      } while (!names.add(name));
      Problem p = problem[node];
      State state = State.RUNNING;
      long created = Math.max(nodeCreated[node] + 20, NOW - 86400L * 40 + r.nextInt(86400 * 10));
      if (kind == SysKind.CALICO_NODE && p == Problem.CNI_NOT_INITIALIZED) {
        state = State.CALICO_CRASHLOOP;
      } else if (kind == SysKind.CALICO_NODE && p == Problem.CALICO_UNAUTHORIZED) {
        state = State.CALICO_UNREADY;
      } else if (kind == SysKind.FLUENT_BIT
          && p == Problem.NODE_CIDR_MISSING) {
        // a new node: every pod that needs an address is new and fails; on the NotReady nodes the
        // DaemonSet pod kept the sandbox it had before the CNI config went away
        state = State.SANDBOX_FAILING;
        created = NOW - 600 - r.nextInt(1800);
      }
      if (p == Problem.NODE_CIDR_MISSING) {
        created = nodeCreated[node] + 15 + r.nextInt(30);
      }
      return new PodRef(key, ns, name, null, 0, kind, base, node, state, false, created);
    }

    PodRef workloadPodRef(Namespace ns, Workload w, int ordinal, int key, Set<String> names) {
      SplittableRandom r = rng(T_POD, key);
      int sl = slot[key];
      int node = (sl >> 2) - 1;
      int cls = sl & 3;
      State state;
      if (node < 0) {
        state = State.UNSCHEDULED;
      } else if (cls == 2) {
        state = State.SANDBOX_FAILING;
      } else if (cls == 1) {
        state = State.RUNNING;
      } else {
        double u = new SplittableRandom(hash(T_STATE, key)).nextDouble();
        state = u < 0.013 ? State.IMAGE_PULL
            : u < 0.0137 ? State.JUST_SCHEDULED
            : u < 0.020 ? State.CREATING
            : u < 0.023 ? State.CRASHLOOP
            : State.RUNNING;
        if (w.kind == Kind.CRONJOB && state == State.RUNNING && u < 0.9) {
          state = State.SUCCEEDED;
        }
      }
      boolean recent = state == State.RUNNING && cls == 0 && r.nextDouble() < recentFraction;
      long created;
      switch (state) {
        case UNSCHEDULED -> created = NOW - 120 - r.nextInt(3300);
        case SANDBOX_FAILING -> created = problem[node] == Problem.CNI_NOT_INITIALIZED
            ? cniBreak(node) - 50 + r.nextInt(100)
            : NOW - 300 - r.nextInt(2400);
        case CREATING -> created = NOW - 5 - r.nextInt(90);
        case JUST_SCHEDULED -> created = NOW - 1 - r.nextInt(3);
        case IMAGE_PULL -> created = NOW - 180 - r.nextInt(3000);
        default -> created = recent
            ? NOW - 60 - r.nextInt(3500)
            : Math.max(w.created, NOW - 86400L * 45) + r.nextInt(86400 * 3);
      }
      if (created > NOW - 5 && state != State.JUST_SCHEDULED) {
        created = NOW - 5;
      }
      String name;
      do {
        name = switch (w.kind) {
          case DEPLOYMENT -> w.name + "-" + w.templateHash + "-" + suffix(r, 5);
          case STATEFULSET -> w.name + "-" + ordinal;
          case CRONJOB -> w.name + "-" + (created / 60 - created / 60 % 5) + "-" + suffix(r, 5);
        };
        if (w.kind == Kind.STATEFULSET && names.contains(name)) {
          throw new IllegalStateException("duplicate pod name " + ns.name + "/" + name);
        }
      } while (!names.add(name));
      return new PodRef(key, ns, name, w, ordinal, SysKind.NONE, null, node, state, recent, created);
    }

    // --- events planning ------------------------------------------------------------------------

    void countEvents() {
      int lifecycle = 0;
      int mandatory = 0;
      for (int attempt = 0; attempt < 6; attempt++) {
        lifecycle = 0;
        mandatory = 0;
        for (Namespace ns : allNamespaces) {
          for (Ev e : eventsOf(ns, false)) {
            if (e.lifecycle()) {
              lifecycle++;
            } else {
              mandatory++;
            }
          }
        }
        if (mandatory > c.events()) {
          throw new IllegalArgumentException("--events " + c.events() + " is too small: the failures,"
              + " scheduling and back-off events alone are " + mandatory);
        }
        if (mandatory + lifecycle <= c.events()) {
          break;
        }
        recentFraction = recentFraction * (c.events() - mandatory) / lifecycle * 0.9;
      }
      if (mandatory + lifecycle > c.events()) {
        recentFraction = 0;
        lifecycle = 0;
      }
      int filler = c.events() - mandatory - lifecycle;
      int per = filler / appNamespaces.size();
      int rest = filler % appNamespaces.size();
      for (Namespace ns : appNamespaces) {
        ns.fillerEvents = per + (ns.index < rest ? 1 : 0);
      }
    }

    static final String CNI_NOT_INIT_NODE_MESSAGE =
        "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady"
            + " message:Network plugin returns error: cni plugin not initialized";

    String sandboxMessage(int node, SplittableRandom r) {
      String inner = switch (problem[node]) {
        case IPAM_EXHAUSTED -> "plugin type=\"bridge\" failed (add): failed to allocate for range 0:"
            + " no IP addresses available in range set: " + rangeSet(node);
        case CNI_NOT_INITIALIZED -> "cni plugin not initialized";
        case NODE_CIDR_MISSING -> "plugin type=\"flannel\" failed (add): failed to load flannel"
            + " 'subnet.env' file: open /run/flannel/subnet.env: no such file or directory."
            + " Check the flannel pod log for this node.";
        case CALICO_UNAUTHORIZED -> "plugin type=\"calico\" failed (add): error getting"
            + " ClusterInformation: connection is unauthorized: Unauthorized";
        case AWS_IPAMD_DOWN -> "add cmd: Error received from AddNetwork gRPC call: rpc error: code ="
            + " Unavailable desc = connection error: desc = \"transport: Error while dialing dial tcp"
            + " 127.0.0.1:50051: connect: connection refused\"";
        case NONE -> throw new IllegalStateException("no problem on " + nodeName[node]);
      };
      return "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
          + " for sandbox \"" + hex(r, 64) + "\": " + inner;
    }

    List<String> containerNames(PodRef p) {
      if (p.workload() != null) {
        return p.workload().sidecar ? List.of(p.workload().name, "envoy") : List.of(p.workload().name);
      }
      return switch (p.sys()) {
        case CALICO_NODE -> List.of("calico-node");
        case KUBE_PROXY -> List.of("kube-proxy");
        case FLUENT_BIT -> List.of("fluent-bit");
        case COREDNS -> List.of("coredns");
        case CALICO_KUBE_CONTROLLERS -> List.of("calico-kube-controllers");
        case STATIC -> List.of(p.sysRole());
        case NONE -> List.of();
      };
    }

    String imageOf(PodRef p, String container) {
      if (p.workload() != null) {
        return container.equals("envoy") ? "docker.io/envoyproxy/envoy:v1.29.4" : p.workload().image;
      }
      return switch (p.sys()) {
        case CALICO_NODE -> "docker.io/calico/node:" + CALICO_VERSION;
        case KUBE_PROXY -> "registry.k8s.io/kube-proxy:" + K8S_VERSION;
        case FLUENT_BIT -> "cr.fluentbit.io/fluent/fluent-bit:2.2.2";
        case COREDNS -> "registry.k8s.io/coredns/coredns:v1.11.1";
        case CALICO_KUBE_CONTROLLERS -> "docker.io/calico/kube-controllers:" + CALICO_VERSION;
        case STATIC -> p.sysRole().equals("etcd")
            ? "registry.k8s.io/etcd:3.5.12-0"
            : "registry.k8s.io/" + p.sysRole() + ":" + K8S_VERSION;
        case NONE -> "";
      };
    }

    String podUid(PodRef p) {
      return uuid(rng(T_POD, p.key(), 7));
    }

    /** Events of one namespace, sorted by name; with filler when {@code withFiller}. */
    List<Ev> eventsOf(Namespace ns, boolean withFiller) {
      List<Ev> out = new ArrayList<>();
      for (PodRef p : podsOf(ns)) {
        podEvents(p, out);
      }
      if (ns == defaultNs) {
        nodeEvents(out);
      }
      if (withFiller && ns.app) {
        fillerEvents(ns, out);
      }
      out.sort(Comparator.comparing(Ev::name));
      return out;
    }

    Ev kubelet(PodRef p, String fieldPath, long first, long last, int count, String type, String reason,
        String message, boolean lifecycle, SplittableRandom r) {
      return new Ev("Pod", "v1", p.name(), podUid(p), fieldPath, first, last, count, type, reason,
          message, "kubelet", nodeName[p.node()], false, null, lifecycle,
          last * 1_000_000_000L + r.nextInt(1_000_000_000));
    }

    Ev scheduler(PodRef p, long at, String reason, String message, int seriesCount, boolean lifecycle,
        SplittableRandom r) {
      return new Ev("Pod", "v1", p.name(), podUid(p), null, at, at, seriesCount, reason.equals("Scheduled") ? "Normal" : "Warning",
          reason, message, "default-scheduler", null, true, reason.equals("Scheduled") ? "Binding" : "Scheduling",
          lifecycle, at * 1_000_000_000L + r.nextInt(1_000_000_000));
    }

    void podEvents(PodRef p, List<Ev> out) {
      SplittableRandom r = rng(T_EVENT, p.key());
      long t = p.created();
      String ns = p.ns().name;
      List<String> containers = containerNames(p);
      String main = containers.get(0);
      String mainPath = "spec.containers{" + main + "}";
      switch (p.state()) {
        case UNSCHEDULED -> {
          out.add(scheduler(p, NOW - r.nextInt(240), "FailedScheduling", unschedulableMessage(), 1 + r.nextInt(40), false, r));
        }
        case SANDBOX_FAILING -> {
          int node = p.node();
          out.add(scheduler(p, t, "Scheduled", "Successfully assigned " + ns + "/" + p.name() + " to " + nodeName[node], 0, false, r));
          long at = Math.max(t + 2, problem[node] == Problem.CNI_NOT_INITIALIZED ? cniBreak(node) + 1 : 0);
          int distinct = 1 + r.nextInt(3);
          if (problem[node] == Problem.CNI_NOT_INITIALIZED) {
            // sandbox attempts fail until kubelet sees the runtime network NotReady; then it stops trying
            long since = notReadySince(node);
            out.add(kubelet(p, null, since, NOW - r.nextInt(10), (int) (NOW - since) / 2, "Warning", "NetworkNotReady",
                "network is not ready: " + CNI_NOT_INIT_NODE_MESSAGE, false, r));
            out.add(new Ev("Pod", "v1", p.name(), podUid(p), null, since + 40, since + 40, 1, "Warning", "NodeNotReady",
                "Node is not ready", "node-controller", null, false, null, false,
                (since + 40) * 1_000_000_000L + r.nextInt(1_000_000_000)));
            distinct = Math.max(1, Math.min(distinct, (int) (since - at) / 15));
          }
          for (int i = 0; i < distinct; i++) {
            String msg = sandboxMessage(node, r);
            out.add(kubelet(p, null, at, at, 1, "Warning", "FailedCreatePodSandBox", msg, false, r));
            recordSandbox(node, msg);
            at += 8 + r.nextInt(20);
          }
          if ((r.nextBoolean() || problem[node] == Problem.AWS_IPAMD_DOWN) && problem[node] != Problem.CNI_NOT_INITIALIZED) {
            String msg = "(combined from similar events): " + sandboxMessage(node, r);
            out.add(kubelet(p, null, at, NOW - r.nextInt(60), 5 + r.nextInt(40), "Warning",
                "FailedCreatePodSandBox", msg, false, r));
            recordSandbox(node, msg);
          }
        }
        case JUST_SCHEDULED -> out.add(scheduler(p, t, "Scheduled", "Successfully assigned " + ns + "/" + p.name() + " to "
            + nodeName[p.node()], 0, false, r));
        case CREATING -> {
          out.add(scheduler(p, t, "Scheduled", "Successfully assigned " + ns + "/" + p.name() + " to " + nodeName[p.node()], 0, false, r));
          out.add(kubelet(p, mainPath, t + 2, t + 2, 1, "Normal", "Pulling",
              "Pulling image \"" + imageOf(p, main) + "\"", false, r));
        }
        case IMAGE_PULL -> {
          String image = imageOf(p, main);
          out.add(scheduler(p, t, "Scheduled", "Successfully assigned " + ns + "/" + p.name() + " to " + nodeName[p.node()], 0, false, r));
          int n = 4 + r.nextInt(12);
          out.add(kubelet(p, mainPath, t + 2, NOW - r.nextInt(300), n, "Normal", "Pulling", "Pulling image \"" + image + "\"", false, r));
          out.add(kubelet(p, mainPath, t + 3, NOW - r.nextInt(300), n, "Warning", "Failed", "Failed to pull image \"" + image
              + "\": rpc error: code = NotFound desc = failed to pull and unpack image \"" + image
              + "\": failed to resolve reference \"" + image + "\": " + image + ": not found", false, r));
          out.add(kubelet(p, mainPath, t + 3, NOW - r.nextInt(300), n, "Warning", "Failed", "Error: ErrImagePull", false, r));
          out.add(kubelet(p, mainPath, t + 4, NOW - r.nextInt(30), 10 + r.nextInt(100), "Normal", "BackOff",
              "Back-off pulling image \"" + image + "\"", false, r));
          out.add(kubelet(p, mainPath, t + 4, NOW - r.nextInt(30), 10 + r.nextInt(100), "Warning", "Failed", "Error: ImagePullBackOff", false, r));
        }
        case CRASHLOOP -> {
          out.add(kubelet(p, mainPath, NOW - 3600 + r.nextInt(600), NOW - r.nextInt(120), 20 + r.nextInt(300), "Warning",
              "BackOff", "Back-off restarting failed container " + main + " in pod " + p.name() + "_" + ns + "(" + podUid(p) + ")", false, r));
        }
        case CALICO_CRASHLOOP -> {
          out.add(kubelet(p, "spec.containers{calico-node}", cniBreak(p.node()) + 15, NOW - r.nextInt(60), 4 + r.nextInt(5), "Warning",
              "BackOff", "Back-off restarting failed container calico-node in pod " + p.name() + "_" + ns + "(" + podUid(p) + ")", false, r));
        }
        case CALICO_UNREADY -> {
          out.add(kubelet(p, "spec.containers{calico-node}", NOW - 3600 + r.nextInt(600), NOW - r.nextInt(20), 300 + r.nextInt(60), "Warning",
              "Unhealthy", "Readiness probe failed: calico/node is not ready: felix is not ready: readiness probe reporting 503", false, r));
        }
        case RUNNING -> {
          if (p.recent()) {
            out.add(scheduler(p, t, "Scheduled", "Successfully assigned " + ns + "/" + p.name() + " to " + nodeName[p.node()], 0, true, r));
            long at = t + 1;
            for (String cn : containers) {
              String path = "spec.containers{" + cn + "}";
              String image = imageOf(p, cn);
              if (r.nextInt(100) < 30) {
                out.add(kubelet(p, path, at, at, 1, "Normal", "Pulling", "Pulling image \"" + image + "\"", true, r));
                int ms = 400 + r.nextInt(9000);
                String d = String.format(Locale.ROOT, "%d.%03ds", ms / 1000, ms % 1000);
                at += ms / 1000 + 1;
                out.add(kubelet(p, path, at, at, 1, "Normal", "Pulled", "Successfully pulled image \"" + image
                    + "\" in " + d + " (" + d + " including waiting)", true, r));
              } else {
                out.add(kubelet(p, path, at, at, 1, "Normal", "Pulled", "Container image \"" + image + "\" already present on machine", true, r));
              }
              out.add(kubelet(p, path, at, at, 1, "Normal", "Created", "Created container " + cn, true, r));
              out.add(kubelet(p, path, at + 1, at + 1, 1, "Normal", "Started", "Started container " + cn, true, r));
            }
          }
        }
        default -> {}
      }
    }

    void recordSandbox(int node, String message) {
      sandboxEventsByNode.merge(node, 1, Integer::sum);
      sampleMessageByNode.putIfAbsent(node, message);
    }

    String unschedulableMessage() {
      int workers = nodeCount - CONTROL_PLANES;
      int notReady = problemNodes.get(Problem.CNI_NOT_INITIALIZED).size();
      int fit = workers - notReady;
      List<String> reasons = new ArrayList<>(List.of(
          CONTROL_PLANES + " node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
          notReady + " node(s) had untolerated taint {node.kubernetes.io/not-ready: }",
          fit + " Insufficient memory"));
      Collections.sort(reasons);
      List<String> preemption = new ArrayList<>(List.of(
          fit + " No preemption victims found for incoming pod",
          (CONTROL_PLANES + notReady) + " Preemption is not helpful for scheduling"));
      Collections.sort(preemption);
      return "0/" + nodeCount + " nodes are available: " + String.join(", ", reasons) + ". preemption: 0/"
          + nodeCount + " nodes are available: " + String.join(", ", preemption) + ".";
    }

    void nodeEvents(List<Ev> out) {
      for (int n : problemNodes.get(Problem.CNI_NOT_INITIALIZED)) {
        SplittableRandom r = rng(T_EVENT, SYS_KEY * 11 + n);
        long at = notReadySince(n);
        out.add(new Ev("Node", null, nodeName[n], nodeName[n], null, at, at, 1, "Normal", "NodeNotReady",
            "Node " + nodeName[n] + " status is now: NodeNotReady", "kubelet", nodeName[n], false, null, false,
            at * 1_000_000_000L + r.nextInt(1_000_000_000)));
        at += 40;
        out.add(new Ev("Node", null, nodeName[n], nodeUid[n], null, at, at, 1, "Normal", "NodeNotReady",
            "Node " + nodeName[n] + " status is now: NodeNotReady", "node-controller", null, false, null, false,
            at * 1_000_000_000L + r.nextInt(1_000_000_000)));
      }
      for (int n : problemNodes.get(Problem.NODE_CIDR_MISSING)) {
        SplittableRandom r = rng(T_EVENT, SYS_KEY * 10 + n);
        long at = NOW - 60 - r.nextInt(3000);
        out.add(new Ev("Node", null, nodeName[n], nodeUid[n], null, nodeCreated[n] + 1, at, 30 + r.nextInt(100), "Normal",
            "CIDRNotAvailable", "Node " + nodeName[n] + " status is now: CIDRNotAvailable", "cidrAllocator", null,
            false, null, false, at * 1_000_000_000L + r.nextInt(1_000_000_000)));
      }
    }

    void fillerEvents(Namespace ns, List<Ev> out) {
      SplittableRandom r = rng(T_FILL, ns.index);
      List<Workload> deployments = new ArrayList<>();
      for (Workload w : ns.workloads) {
        if (w.kind == Kind.DEPLOYMENT) {
          deployments.add(w);
        }
      }
      if (deployments.isEmpty()) {
        deployments.addAll(ns.workloads);
      }
      for (int i = 0; i < ns.fillerEvents; i++) {
        Workload w = deployments.get(r.nextInt(deployments.size()));
        long at = NOW - 10 - r.nextInt(3590);
        long nanos = at * 1_000_000_000L + r.nextInt(1_000_000_000);
        String rs = w.name + "-" + w.templateHash;
        String gone = w.kind == Kind.DEPLOYMENT ? rs + "-" + suffix(r, 5) : w.name + "-" + w.replicas;
        switch (i % 4) {
          case 0, 1 -> {
            int node = regularNodeFor(r);
            out.add(new Ev("Pod", "v1", gone, uuid(r), "spec.containers{" + w.name + "}", at, at, 1, "Normal", "Killing",
                "Stopping container " + w.name, "kubelet", nodeName[node], false, null, false, nanos));
          }
          case 2 -> out.add(new Ev("ReplicaSet", "apps/v1", rs, w.ownerUid, null, at, at, 1, "Normal",
              r.nextBoolean() ? "SuccessfulCreate" : "SuccessfulDelete",
              (r.nextBoolean() ? "Created pod: " : "Deleted pod: ") + gone, "replicaset-controller", null, false, null,
              false, nanos));
          default -> {
            int to = Math.max(1, w.replicas + r.nextInt(5) - 2);
            out.add(new Ev("Deployment", "apps/v1", w.name, w.uid, null, at, at, 1, "Normal", "ScalingReplicaSet",
                (to > w.replicas ? "Scaled up replica set " + rs + " to " + to
                    : "Scaled down replica set " + rs + " to " + to + " from " + (to + 1)),
                "deployment-controller", null, false, null, false, nanos));
          }
        }
      }
    }

    // --- run ------------------------------------------------------------------------------------

    void run() throws IOException {
      long t0 = System.nanoTime();
      plan(); // validates the sizes before anything is written
      Path cluster = c.out().resolve("cluster");
      Files.createDirectories(cluster);
      log("planned %d nodes, %d namespaces, %d workload pods (%.1fs)", nodeCount, allNamespaces.size(),
          workloadPods, secs(t0));
      timed(cluster, "nodes.json", this::writeNodes);
      timed(cluster, "pods.json", this::writePods);
      timed(cluster, "events.json", this::writeEvents);
      timed(cluster, "daemonsets.json", this::writeDaemonSets);
      timed(cluster, "configmaps.json", this::writeConfigMaps);
      timed(cluster, "services.json", this::writeServices);
      long tm = System.nanoTime();
      writeJsonFile(c.out().resolve("manifest.json"), manifest(), c.indent());
      fileSizes.put("manifest.json", Files.size(c.out().resolve("manifest.json")));
      fileSeconds.put("manifest.json", secs(tm));
      double total = secs(t0);
      Map<String, Object> truth = groundTruth();
      writeJsonFile(c.out().resolve("ground-truth.json"), truth, 4);
      printSummary(total);
    }

    interface FileWriterStep {
      void write(ListFile f) throws IOException;
    }

    void timed(Path dir, String file, FileWriterStep step) throws IOException {
      long t = System.nanoTime();
      Path p = dir.resolve(file);
      try (ListFile f = new ListFile(p, c.indent())) {
        step.write(f);
      }
      fileSizes.put("cluster/" + file, Files.size(p));
      fileSeconds.put("cluster/" + file, secs(t));
      log("wrote cluster/%s: %,d bytes in %.1fs", file, Files.size(p), secs(t));
    }

    static double secs(long t0) {
      return (System.nanoTime() - t0) / 1e9;
    }

    static void log(String fmt, Object... args) {
      System.err.println("[generate] " + String.format(Locale.ROOT, fmt, args));
    }

    // --- nodes ----------------------------------------------------------------------------------

    static final String[][] BASE_IMAGES = {
      {"docker.io/calico/cni", CALICO_VERSION, "94153582"},
      {"docker.io/calico/node", CALICO_VERSION, "115238612"},
      {"registry.k8s.io/kube-proxy", K8S_VERSION, "28318843"},
      {"cr.fluentbit.io/fluent/fluent-bit", "2.2.2", "33587260"},
      {"registry.k8s.io/pause", "3.9", "321520"},
    };

    void writeNodes(ListFile f) throws IOException {
      for (int n = 0; n < nodeCount; n++) {
        f.add(node(n));
      }
    }

    Map<String, Object> node(int n) {
      SplittableRandom r = rng(T_NODE, n, 2);
      String name = nodeName[n];
      boolean cp = n < CONTROL_PLANES;
      Problem p = problem[n];
      String ip = nodeIp(n);
      TreeMap<String, Object> labels = o(
          "beta.kubernetes.io/arch", "amd64",
          "beta.kubernetes.io/os", "linux",
          "kubernetes.io/arch", "amd64",
          "kubernetes.io/hostname", name,
          "kubernetes.io/os", "linux",
          "topology.kubernetes.io/region", "dc1",
          "topology.kubernetes.io/zone", zone(n));
      if (cp) {
        labels.put("node-role.kubernetes.io/control-plane", "");
        labels.put("node.kubernetes.io/exclude-from-external-load-balancers", "");
      } else {
        labels.put("node.kubernetes.io/pool", p == Problem.IPAM_EXHAUSTED ? "dense" : "general");
      }
      TreeMap<String, Object> annotations = o(
          "kubeadm.alpha.kubernetes.io/cri-socket", "unix:///var/run/containerd/containerd.sock",
          "node.alpha.kubernetes.io/ttl", "0",
          "projectcalico.org/IPv4Address", ip + "/16",
          "volumes.kubernetes.io/controller-managed-attach-detach", "true");
      if (block[n] >= 0) {
        annotations.put("projectcalico.org/IPv4IPIPTunnelAddr", blockBase(block[n]) + "1");
      }
      TreeMap<String, Object> spec = o();
      if (block[n] >= 0) {
        spec.put("podCIDR", podCidr(n));
        spec.put("podCIDRs", a(podCidr(n)));
      }
      List<Object> taints = a();
      if (cp) {
        taints.add(o("effect", "NoSchedule", "key", "node-role.kubernetes.io/control-plane"));
      }
      long notReadySince = notReadySince(n);
      if (p == Problem.CNI_NOT_INITIALIZED) {
        taints.add(o("effect", "NoSchedule", "key", "node.kubernetes.io/not-ready"));
        taints.add(o("effect", "NoExecute", "key", "node.kubernetes.io/not-ready", "timeAdded", ts(notReadySince + 40)));
      }
      if (!taints.isEmpty()) {
        spec.put("taints", taints);
      }
      String cpu = cp ? "8" : p == Problem.IPAM_EXHAUSTED ? "64" : "16";
      String memKi = cp ? "32779432Ki" : p == Problem.IPAM_EXHAUSTED ? "263842668Ki" : "65842588Ki";
      String allocMemKi = cp ? "32677032Ki" : p == Problem.IPAM_EXHAUSTED ? "263740268Ki" : "65740188Ki";
      TreeMap<String, Object> capacity = o("cpu", cpu, "ephemeral-storage", "203056560Ki", "hugepages-1Gi", "0",
          "hugepages-2Mi", "0", "memory", memKi, "pods", Integer.toString(maxPods[n]));
      TreeMap<String, Object> allocatable = o("cpu", cpu, "ephemeral-storage", "187136925387", "hugepages-1Gi", "0",
          "hugepages-2Mi", "0", "memory", allocMemKi, "pods", Integer.toString(maxPods[n]));
      long heartbeat = NOW - r.nextInt(40);
      long bootTime = Math.max(nodeCreated[n] - 60, NOW - 86400L * 30 - r.nextInt(86400 * 60));
      List<Object> conditions = a(
          o("lastHeartbeatTime", ts(bootTime + 120), "lastTransitionTime", ts(bootTime + 120),
              "message", "Calico is running on this node", "reason", "CalicoIsUp", "status", "False",
              "type", "NetworkUnavailable"),
          o("lastHeartbeatTime", ts(heartbeat), "lastTransitionTime", ts(bootTime + 20),
              "message", "kubelet has sufficient memory available", "reason", "KubeletHasSufficientMemory",
              "status", "False", "type", "MemoryPressure"),
          o("lastHeartbeatTime", ts(heartbeat), "lastTransitionTime", ts(bootTime + 20),
              "message", "kubelet has no disk pressure", "reason", "KubeletHasNoDiskPressure",
              "status", "False", "type", "DiskPressure"),
          o("lastHeartbeatTime", ts(heartbeat), "lastTransitionTime", ts(bootTime + 20),
              "message", "kubelet has sufficient PID available", "reason", "KubeletHasSufficientPID",
              "status", "False", "type", "PIDPressure"),
          p == Problem.CNI_NOT_INITIALIZED
              ? o("lastHeartbeatTime", ts(heartbeat), "lastTransitionTime", ts(notReadySince),
                  "message", CNI_NOT_INIT_NODE_MESSAGE, "reason", "KubeletNotReady", "status", "False", "type", "Ready")
              : o("lastHeartbeatTime", ts(heartbeat), "lastTransitionTime", ts(bootTime + 45),
                  "message", "kubelet is posting ready status", "reason", "KubeletReady", "status", "True", "type", "Ready"));
      if (p == Problem.NODE_CIDR_MISSING) {
        // no network agent ever came up here, so nothing wrote NetworkUnavailable
        conditions.remove(0);
      }
      List<Object> images = a();
      List<String[]> imgs = new ArrayList<>(Arrays.asList(BASE_IMAGES));
      if (cp) {
        imgs.add(new String[] {"registry.k8s.io/etcd", "3.5.12-0", "57236178"});
        imgs.add(new String[] {"registry.k8s.io/kube-apiserver", K8S_VERSION, "35137036"});
        imgs.add(new String[] {"registry.k8s.io/kube-controller-manager", K8S_VERSION, "33778302"});
        imgs.add(new String[] {"registry.k8s.io/kube-scheduler", K8S_VERSION, "18384598"});
      } else if (!appNamespaces.isEmpty()) {
        for (int i = 0; i < 14; i++) {
          Namespace ns = appNamespaces.get(r.nextInt(appNamespaces.size()));
          Workload w = ns.workloads.get(r.nextInt(ns.workloads.size()));
          String repo = w.image.substring(0, w.image.lastIndexOf(':'));
          imgs.add(new String[] {repo, w.version, Integer.toString(20_000_000 + r.nextInt(400_000_000))});
        }
        if (r.nextInt(100) < 15) {
          imgs.add(new String[] {"docker.io/envoyproxy/envoy", "v1.29.4", "63014524"});
        }
      }
      imgs.sort(Comparator.comparingLong((String[] x) -> -Long.parseLong(x[2])));
      for (String[] img : imgs) {
        SplittableRandom ir = rng(T_NODE, img[0].hashCode(), img[1].hashCode());
        images.add(o("names", a(img[0] + "@sha256:" + hex(ir, 64), img[0] + ":" + img[1]),
            "sizeBytes", Long.parseLong(img[2])));
      }
      TreeMap<String, Object> status = o(
          "addresses", a(o("address", ip, "type", "InternalIP"), o("address", name, "type", "Hostname")),
          "allocatable", allocatable,
          "capacity", capacity,
          "conditions", conditions,
          "daemonEndpoints", o("kubeletEndpoint", o("Port", 10250)),
          "images", images,
          "nodeInfo", o(
              "architecture", "amd64",
              "bootID", uuid(r),
              "containerRuntimeVersion", "containerd://1.7.13",
              "kernelVersion", "5.15.0-105-generic",
              "kubeProxyVersion", K8S_VERSION,
              "kubeletVersion", K8S_VERSION,
              "machineID", hex(r, 32),
              "operatingSystem", "linux",
              "osImage", "Ubuntu 22.04.4 LTS",
              "systemUUID", uuid(r)));
      return o(
          "apiVersion", "v1",
          "kind", "Node",
          "metadata", o(
              "annotations", annotations,
              "creationTimestamp", ts(nodeCreated[n]),
              "labels", labels,
              "name", name,
              "resourceVersion", rv(r),
              "uid", nodeUid[n]),
          "spec", spec,
          "status", status);
    }

    // --- pods -----------------------------------------------------------------------------------

    void writePods(ListFile f) throws IOException {
      for (Namespace ns : allNamespaces) {
        for (PodRef p : podsOf(ns)) {
          Map<String, Object> pod = pod(p);
          count(p, pod);
          f.add(pod);
        }
      }
    }

    @SuppressWarnings("unchecked")
    void count(PodRef p, Map<String, Object> pod) {
      Map<String, Object> status = (Map<String, Object>) pod.get("status");
      String phase = (String) status.get("phase");
      podsByPhase.merge(phase, 1, Integer::sum);
      if ("Pending".equals(phase)) {
        pendingPods++;
      }
      if (p.state() == State.UNSCHEDULED) {
        unscheduledPods++;
      }
      List<Object> statuses = (List<Object>) status.get("containerStatuses");
      boolean creating = false;
      if (statuses != null) {
        for (Object s : statuses) {
          Map<String, Object> state = (Map<String, Object>) ((Map<String, Object>) s).get("state");
          Map<String, Object> waiting = (Map<String, Object>) state.get("waiting");
          if (waiting != null) {
            String reason = (String) waiting.get("reason");
            waitingReasons.merge(reason, 1, Integer::sum);
            creating |= reason.equals("ContainerCreating");
          }
        }
      }
      if (creating && "Pending".equals(phase)) {
        containerCreatingPods++;
      }
      if (p.state() == State.SANDBOX_FAILING) {
        sandboxFailingPods++;
        failingPodsByNode.computeIfAbsent(p.node(), k -> new ArrayList<>()).add(p.ns().name + "/" + p.name());
      }
      if (p.workload() != null && p.workload().sidecar) {
        sidecarPods++;
      }
      Map<String, Object> spec = (Map<String, Object>) pod.get("spec");
      if (Boolean.TRUE.equals(spec.get("hostNetwork"))) {
        hostNetworkPods++;
      }
    }

    /** Takes the next pod address on the node, or null where the pod has none. */
    String assignIp(PodRef p) {
      int n = p.node();
      if (n < 0 || block[n] < 0) {
        return null;
      }
      return switch (p.state()) {
        case UNSCHEDULED, JUST_SCHEDULED, SANDBOX_FAILING -> null;
        default -> {
          int host = nextHost[n]++;
          if (host > 254) {
            throw new IllegalStateException("range of " + nodeName[n] + " overflowed");
          }
          ipsInUse.merge(n, 1, Integer::sum);
          yield blockBase(block[n]) + host;
        }
      };
    }

    Map<String, Object> pod(PodRef p) {
      boolean hostNetwork = p.sys() == SysKind.CALICO_NODE || p.sys() == SysKind.KUBE_PROXY || p.sys() == SysKind.STATIC;
      String ip = hostNetwork ? nodeIp(p.node()) : assignIp(p);
      SplittableRandom r = rng(T_POD, p.key(), 3);
      String uid = podUid(p);
      String token = "kube-api-access-" + suffix(r, 5);
      Namespace ns = p.ns();
      TreeMap<String, Object> metadata = o(
          "creationTimestamp", ts(p.created()),
          "name", p.name(),
          "namespace", ns.name,
          "resourceVersion", rv(r),
          "uid", uid);
      TreeMap<String, Object> spec;
      List<String> containers = containerNames(p);
      if (p.workload() != null) {
        Workload w = p.workload();
        spec = workloadSpec(w, token, p);
        TreeMap<String, Object> labels = o(
            "app.kubernetes.io/name", w.name,
            "app.kubernetes.io/part-of", ns.team);
        TreeMap<String, Object> annotations = w.metricsPort
            ? o("prometheus.io/port", "9090", "prometheus.io/scrape", "true")
            : o();
        if (w.sidecar) {
          annotations.put("kubectl.kubernetes.io/default-container", w.name);
        }
        if (ip != null) {
          annotations.put("cni.projectcalico.org/containerID", hex(r, 64));
          annotations.put("cni.projectcalico.org/podIP", ip + "/32");
          annotations.put("cni.projectcalico.org/podIPs", ip + "/32");
        }
        String jobName = null;
        switch (w.kind) {
          case DEPLOYMENT -> {
            labels.put("pod-template-hash", w.templateHash);
            metadata.put("generateName", w.name + "-" + w.templateHash + "-");
            metadata.put("ownerReferences", a(owner("apps/v1", "ReplicaSet", w.name + "-" + w.templateHash, w.ownerUid)));
          }
          case STATEFULSET -> {
            labels.put("apps.kubernetes.io/pod-index", Integer.toString(p.ordinal()));
            labels.put("controller-revision-hash", w.templateHash);
            labels.put("statefulset.kubernetes.io/pod-name", p.name());
            metadata.put("generateName", w.name + "-");
            metadata.put("ownerReferences", a(owner("apps/v1", "StatefulSet", w.name, w.uid)));
            spec.put("hostname", p.name());
            spec.put("subdomain", w.name);
          }
          case CRONJOB -> {
            jobName = p.name().substring(0, p.name().lastIndexOf('-'));
            String jobUid = uuid(rng(T_POD, p.key(), 9));
            labels.put("batch.kubernetes.io/controller-uid", jobUid);
            labels.put("batch.kubernetes.io/job-name", jobName);
            labels.put("controller-uid", jobUid);
            labels.put("job-name", jobName);
            metadata.put("generateName", jobName + "-");
            annotations.put("batch.kubernetes.io/job-tracking", "");
            metadata.put("ownerReferences", a(owner("batch/v1", "Job", jobName, jobUid)));
            metadata.put("finalizers", a("batch.kubernetes.io/job-tracking"));
          }
        }
        metadata.put("labels", labels);
        metadata.put("annotations", annotations);
      } else {
        spec = systemSpec(p, token, metadata);
      }
      if (p.node() >= 0) {
        spec.put("nodeName", nodeName[p.node()]);
      }
      if (hostNetwork) {
        spec.put("hostNetwork", true);
      }
      TreeMap<String, Object> status = podStatus(p, containers, ip, r, uid);
      return o("apiVersion", "v1", "kind", "Pod", "metadata", metadata, "spec", spec, "status", status);
    }

    static TreeMap<String, Object> owner(String apiVersion, String kind, String name, String uid) {
      return o("apiVersion", apiVersion, "blockOwnerDeletion", true, "controller", true, "kind", kind, "name", name, "uid", uid);
    }

    static TreeMap<String, Object> fieldEnv(String name, String path) {
      return o("name", name, "valueFrom", o("fieldRef", o("apiVersion", "v1", "fieldPath", path)));
    }

    static TreeMap<String, Object> env(String name, String value) {
      return o("name", name, "value", value);
    }

    static TreeMap<String, Object> httpProbe(String path, Object port, int initialDelay, int period, int failure) {
      return o("failureThreshold", failure, "httpGet", o("path", path, "port", port, "scheme", "HTTP"),
          "initialDelaySeconds", initialDelay == 0 ? SKIP : initialDelay, "periodSeconds", period,
          "successThreshold", 1, "timeoutSeconds", 1);
    }

    static TreeMap<String, Object> mount(String path, String name, boolean readOnly) {
      return o("mountPath", path, "name", name, "readOnly", readOnly ? true : SKIP);
    }

    static TreeMap<String, Object> projectedToken(String name) {
      return o("name", name, "projected", o(
          "defaultMode", 420,
          "sources", a(
              o("serviceAccountToken", o("expirationSeconds", 3607, "path", "token")),
              o("configMap", o("items", a(o("key", "ca.crt", "path", "ca.crt")), "name", "kube-root-ca.crt")),
              o("downwardAPI", o("items", a(o("fieldRef", o("apiVersion", "v1", "fieldPath", "metadata.namespace"),
                  "path", "namespace")))))));
    }

    static final List<Object> DEFAULT_TOLERATIONS = List.of(
        o("effect", "NoExecute", "key", "node.kubernetes.io/not-ready", "operator", "Exists", "tolerationSeconds", 300),
        o("effect", "NoExecute", "key", "node.kubernetes.io/unreachable", "operator", "Exists", "tolerationSeconds", 300));

    TreeMap<String, Object> workloadSpec(Workload w, String token, PodRef p) {
      String ns = w.ns.name;
      List<Object> allEnv = a(
          env("APP_ENV", w.ns.env),
          fieldEnv("POD_IP", "status.podIP"),
          env("LOG_LEVEL", "info"),
          o("name", "DATABASE_URL", "valueFrom", o("secretKeyRef", o("key", "url", "name", w.name + "-db"))),
          fieldEnv("POD_NAME", "metadata.name"),
          env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability.svc.cluster.local:4317"));
      List<Object> env = new ArrayList<>(allEnv.subList(0, w.envCount));
      List<Object> mounts = a(
          mount("/etc/" + w.name, "config", true),
          mount("/var/run/secrets/kubernetes.io/serviceaccount", token, true));
      List<Object> ports = a(o("containerPort", 8080, "name", "http", "protocol", "TCP"));
      if (w.metricsPort) {
        ports.add(o("containerPort", 9090, "name", "metrics", "protocol", "TCP"));
      }
      TreeMap<String, Object> app = o(
          "env", env.isEmpty() ? SKIP : env,
          "image", w.image,
          "imagePullPolicy", "IfNotPresent",
          "livenessProbe", w.liveness ? httpProbe("/healthz", "http", 15, 10, 3) : SKIP,
          "name", w.name,
          "ports", ports,
          "readinessProbe", httpProbe("/ready", "http", 5, 5, 3),
          "resources", o("limits", o("memory", w.memoryLimit), "requests", o("cpu", w.cpuRequest, "memory", w.memoryRequest)),
          "securityContext", w.hardened
              ? o("allowPrivilegeEscalation", false, "capabilities", o("drop", a("ALL")), "readOnlyRootFilesystem", true,
                  "runAsNonRoot", true)
              : SKIP,
          "terminationMessagePath", "/dev/termination-log",
          "terminationMessagePolicy", "File",
          "volumeMounts", mounts);
      List<Object> containers = a(app);
      List<Object> volumes = a(
          o("configMap", o("defaultMode", 420, "name", w.name + "-config"), "name", "config"),
          projectedToken(token));
      if (w.sidecar) {
        containers.add(o(
            "args", a("-c", "/etc/envoy/envoy.yaml", "--service-cluster", w.name, "--log-level", "warn"),
            "image", "docker.io/envoyproxy/envoy:v1.29.4",
            "imagePullPolicy", "IfNotPresent",
            "name", "envoy",
            "ports", a(o("containerPort", 15001, "name", "proxy", "protocol", "TCP")),
            "readinessProbe", httpProbe("/ready", 9901, 0, 5, 3),
            "resources", o("limits", o("memory", "256Mi"), "requests", o("cpu", "50m", "memory", "64Mi")),
            "terminationMessagePath", "/dev/termination-log",
            "terminationMessagePolicy", "File",
            "volumeMounts", a(mount("/etc/envoy", "envoy-config", true),
                mount("/var/run/secrets/kubernetes.io/serviceaccount", token, true))));
        volumes.add(1, o("configMap", o("defaultMode", 420, "name", w.name + "-envoy"), "name", "envoy-config"));
      }
      TreeMap<String, Object> spec = o(
          "containers", containers,
          "dnsPolicy", "ClusterFirst",
          "enableServiceLinks", true,
          "preemptionPolicy", "PreemptLowerPriority",
          "priority", 0,
          "restartPolicy", w.kind == Kind.CRONJOB ? "Never" : "Always",
          "schedulerName", "default-scheduler",
          "securityContext", w.hardened ? o("fsGroup", 10001) : o(),
          "serviceAccount", w.name,
          "serviceAccountName", w.name,
          "terminationGracePeriodSeconds", 30,
          "tolerations", new ArrayList<>(DEFAULT_TOLERATIONS),
          "volumes", volumes);
      if (w.replicas > 2 && w.antiAffinity) {
        spec.put("affinity", o("podAntiAffinity", o("preferredDuringSchedulingIgnoredDuringExecution", a(o(
            "podAffinityTerm", o("labelSelector", o("matchLabels", o("app.kubernetes.io/name", w.name)),
                "topologyKey", "kubernetes.io/hostname"),
            "weight", 100)))));
      }
      return spec;
    }

    TreeMap<String, Object> nodeAffinity(int node) {
      return o("nodeAffinity", o("requiredDuringSchedulingIgnoredDuringExecution", o("nodeSelectorTerms", a(
          o("matchFields", a(o("key", "metadata.name", "operator", "In", "values", a(nodeName[node]))))))));
    }

    TreeMap<String, Object> systemSpec(PodRef p, String token, TreeMap<String, Object> metadata) {
      SplittableRandom r = rng(T_SYS, p.key(), 1);
      switch (p.sys()) {
        case CALICO_NODE -> {
          metadata.put("generateName", "calico-node-");
          metadata.put("labels", o("controller-revision-hash", "6b8c7d9f4b", "k8s-app", "calico-node", "pod-template-generation", "1"));
          metadata.put("ownerReferences", a(owner("apps/v1", "DaemonSet", "calico-node", dsUid("calico-node"))));
          TreeMap<String, Object> spec = calicoNodeSpec(token);
          spec.put("affinity", nodeAffinity(p.node()));
          return spec;
        }
        case KUBE_PROXY -> {
          metadata.put("generateName", "kube-proxy-");
          metadata.put("labels", o("controller-revision-hash", "7f7b9c5d8", "k8s-app", "kube-proxy", "pod-template-generation", "1"));
          metadata.put("ownerReferences", a(owner("apps/v1", "DaemonSet", "kube-proxy", dsUid("kube-proxy"))));
          TreeMap<String, Object> spec = kubeProxySpec(token);
          spec.put("affinity", nodeAffinity(p.node()));
          return spec;
        }
        case FLUENT_BIT -> {
          metadata.put("generateName", "fluent-bit-");
          metadata.put("labels", o("app.kubernetes.io/instance", "fluent-bit", "app.kubernetes.io/name", "fluent-bit",
              "controller-revision-hash", "5d4c8b7f6c", "pod-template-generation", "3"));
          metadata.put("annotations", o("checksum/config", hex(new SplittableRandom(17), 64)));
          metadata.put("ownerReferences", a(owner("apps/v1", "DaemonSet", "fluent-bit", dsUid("fluent-bit"))));
          TreeMap<String, Object> spec = fluentBitSpec(token);
          spec.put("affinity", nodeAffinity(p.node()));
          return spec;
        }
        case COREDNS -> {
          metadata.put("generateName", "coredns-" + corednsHash + "-");
          metadata.put("labels", o("k8s-app", "kube-dns", "pod-template-hash", corednsHash));
          metadata.put("ownerReferences", a(owner("apps/v1", "ReplicaSet", "coredns-" + corednsHash, uuid(rng(T_SYS, 77)))));
          return corednsSpec(token);
        }
        case CALICO_KUBE_CONTROLLERS -> {
          metadata.put("generateName", "calico-kube-controllers-" + kccHash + "-");
          metadata.put("labels", o("k8s-app", "calico-kube-controllers", "pod-template-hash", kccHash));
          metadata.put("ownerReferences", a(owner("apps/v1", "ReplicaSet", "calico-kube-controllers-" + kccHash, uuid(rng(T_SYS, 78)))));
          return o(
              "containers", a(o(
                  "env", a(env("ENABLED_CONTROLLERS", "node"), env("DATASTORE_TYPE", "kubernetes")),
                  "image", "docker.io/calico/kube-controllers:" + CALICO_VERSION,
                  "imagePullPolicy", "IfNotPresent",
                  "livenessProbe", o("exec", o("command", a("/usr/bin/check-status", "-l")), "failureThreshold", 6,
                      "initialDelaySeconds", 10, "periodSeconds", 10, "successThreshold", 1, "timeoutSeconds", 10),
                  "name", "calico-kube-controllers",
                  "readinessProbe", o("exec", o("command", a("/usr/bin/check-status", "-r")), "failureThreshold", 3,
                      "periodSeconds", 10, "successThreshold", 1, "timeoutSeconds", 1),
                  "resources", o(),
                  "terminationMessagePath", "/dev/termination-log",
                  "terminationMessagePolicy", "File",
                  "volumeMounts", a(mount("/var/run/secrets/kubernetes.io/serviceaccount", token, true)))),
              "dnsPolicy", "ClusterFirst",
              "enableServiceLinks", true,
              "nodeSelector", o("kubernetes.io/os", "linux"),
              "preemptionPolicy", "PreemptLowerPriority",
              "priority", 2000000000,
              "priorityClassName", "system-cluster-critical",
              "restartPolicy", "Always",
              "schedulerName", "default-scheduler",
              "securityContext", o(),
              "serviceAccount", "calico-kube-controllers",
              "serviceAccountName", "calico-kube-controllers",
              "terminationGracePeriodSeconds", 30,
              "tolerations", a(o("key", "CriticalAddonsOnly", "operator", "Exists"),
                  o("effect", "NoSchedule", "key", "node-role.kubernetes.io/control-plane")),
              "volumes", a(projectedToken(token)));
        }
        case STATIC -> {
          String role = p.sysRole();
          metadata.put("labels", o("component", role, "tier", "control-plane"));
          metadata.put("annotations", o(
              "kubernetes.io/config.hash", hex(r, 32),
              "kubernetes.io/config.mirror", hex(r, 32),
              "kubernetes.io/config.seen", micro(nodeCreated[p.node()] + 30, r.nextInt(1_000_000)),
              "kubernetes.io/config.source", "file"));
          metadata.put("ownerReferences", a(o("apiVersion", "v1", "controller", true, "kind", "Node",
              "name", nodeName[p.node()], "uid", nodeUid[p.node()])));
          return staticSpec(role, p.node());
        }
        default -> throw new IllegalStateException(p.sys().toString());
      }
    }

    String dsUid(String name) {
      return uuid(rng(T_SYS, name.hashCode(), 3));
    }

    TreeMap<String, Object> calicoNodeSpec(String token) {
      List<Object> env = a(
          env("DATASTORE_TYPE", "kubernetes"),
          env("WAIT_FOR_DATASTORE", "true"),
          fieldEnv("NODENAME", "spec.nodeName"),
          o("name", "CALICO_NETWORKING_BACKEND", "valueFrom", o("configMapKeyRef", o("key", "calico_backend", "name", "calico-config"))),
          env("CLUSTER_TYPE", "k8s,bgp"),
          env("IP", "autodetect"),
          env("CALICO_IPV4POOL_IPIP", "Always"),
          env("CALICO_IPV4POOL_VXLAN", "Never"),
          env("CALICO_IPV6POOL_VXLAN", "Never"),
          o("name", "FELIX_IPINIPMTU", "valueFrom", o("configMapKeyRef", o("key", "veth_mtu", "name", "calico-config"))),
          o("name", "FELIX_VXLANMTU", "valueFrom", o("configMapKeyRef", o("key", "veth_mtu", "name", "calico-config"))),
          o("name", "FELIX_WIREGUARDMTU", "valueFrom", o("configMapKeyRef", o("key", "veth_mtu", "name", "calico-config"))),
          env("CALICO_IPV4POOL_CIDR", CLUSTER_CIDR),
          env("CALICO_DISABLE_FILE_LOGGING", "true"),
          env("FELIX_DEFAULTENDPOINTTOHOSTACTION", "ACCEPT"),
          env("FELIX_IPV6SUPPORT", "false"),
          env("FELIX_HEALTHENABLED", "true"));
      List<Object> cniEnv = a(
          env("CNI_CONF_NAME", "10-calico.conflist"),
          o("name", "CNI_NETWORK_CONFIG", "valueFrom", o("configMapKeyRef", o("key", "cni_network_config", "name", "calico-config"))),
          fieldEnv("KUBERNETES_NODE_NAME", "spec.nodeName"),
          o("name", "CNI_MTU", "valueFrom", o("configMapKeyRef", o("key", "veth_mtu", "name", "calico-config"))),
          env("SLEEP", "false"));
      return o(
          "containers", a(o(
              "env", env,
              "envFrom", a(o("configMapRef", o("name", "kubernetes-services-endpoint", "optional", true))),
              "image", "docker.io/calico/node:" + CALICO_VERSION,
              "imagePullPolicy", "IfNotPresent",
              "lifecycle", o("preStop", o("exec", o("command", a("/bin/calico-node", "-shutdown")))),
              "livenessProbe", o("exec", o("command", a("/bin/calico-node", "-felix-live", "-bird-live")),
                  "failureThreshold", 6, "initialDelaySeconds", 10, "periodSeconds", 10, "successThreshold", 1, "timeoutSeconds", 10),
              "name", "calico-node",
              "readinessProbe", o("exec", o("command", a("/bin/calico-node", "-felix-ready", "-bird-ready")),
                  "failureThreshold", 3, "periodSeconds", 10, "successThreshold", 1, "timeoutSeconds", 10),
              "resources", o("requests", o("cpu", "250m")),
              "securityContext", o("privileged", true),
              "terminationMessagePath", "/dev/termination-log",
              "terminationMessagePolicy", "File",
              "volumeMounts", withTokenMount(token, a(
                  mount("/host/etc/cni/net.d", "cni-net-dir", false),
                  mount("/lib/modules", "lib-modules", true),
                  mount("/run/xtables.lock", "xtables-lock", false),
                  mount("/var/run/calico", "var-run-calico", false),
                  mount("/var/lib/calico", "var-lib-calico", false),
                  mount("/var/run/nodeagent", "policysync", false),
                  mount("/sys/fs/bpf", "bpffs", false),
                  mount("/var/log/calico/cni", "cni-log-dir", true))))),
          "dnsPolicy", "ClusterFirst",
          "enableServiceLinks", true,
          "initContainers", a(
              o("command", a("/opt/cni/bin/calico-ipam", "-upgrade"),
                  "env", a(fieldEnv("KUBERNETES_NODE_NAME", "spec.nodeName"),
                      o("name", "CALICO_NETWORKING_BACKEND", "valueFrom", o("configMapKeyRef", o("key", "calico_backend", "name", "calico-config")))),
                  "image", "docker.io/calico/cni:" + CALICO_VERSION, "imagePullPolicy", "IfNotPresent", "name", "upgrade-ipam",
                  "resources", o(), "securityContext", o("privileged", true),
                  "terminationMessagePath", "/dev/termination-log", "terminationMessagePolicy", "File",
                  "volumeMounts", a(mount("/var/lib/cni/networks", "host-local-net-dir", false), mount("/host/opt/cni/bin", "cni-bin-dir", false))),
              o("command", a("/opt/cni/bin/install"), "env", cniEnv,
                  "image", "docker.io/calico/cni:" + CALICO_VERSION, "imagePullPolicy", "IfNotPresent", "name", "install-cni",
                  "resources", o(), "securityContext", o("privileged", true),
                  "terminationMessagePath", "/dev/termination-log", "terminationMessagePolicy", "File",
                  "volumeMounts", a(mount("/host/opt/cni/bin", "cni-bin-dir", false), mount("/host/etc/cni/net.d", "cni-net-dir", false)))),
          "nodeSelector", o("kubernetes.io/os", "linux"),
          "preemptionPolicy", "PreemptLowerPriority",
          "priority", 2000001000,
          "priorityClassName", "system-node-critical",
          "restartPolicy", "Always",
          "schedulerName", "default-scheduler",
          "securityContext", o(),
          "serviceAccount", "calico-node",
          "serviceAccountName", "calico-node",
          "terminationGracePeriodSeconds", 0,
          "tolerations", a(o("effect", "NoSchedule", "operator", "Exists"), o("key", "CriticalAddonsOnly", "operator", "Exists"),
              o("effect", "NoExecute", "operator", "Exists"),
              o("effect", "NoExecute", "key", "node.kubernetes.io/not-ready", "operator", "Exists"),
              o("effect", "NoExecute", "key", "node.kubernetes.io/unreachable", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/disk-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/memory-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/pid-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/unschedulable", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/network-unavailable", "operator", "Exists")),
          "volumes", withToken(token, a(
              hostPath("lib-modules", "/lib/modules", ""),
              hostPath("var-run-calico", "/var/run/calico", "DirectoryOrCreate"),
              hostPath("var-lib-calico", "/var/lib/calico", "DirectoryOrCreate"),
              hostPath("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
              hostPath("sys-fs", "/sys/fs/", "DirectoryOrCreate"),
              hostPath("bpffs", "/sys/fs/bpf", "Directory"),
              hostPath("nodeproc", "/proc", ""),
              hostPath("cni-bin-dir", "/opt/cni/bin", "DirectoryOrCreate"),
              hostPath("cni-net-dir", "/etc/cni/net.d", ""),
              hostPath("cni-log-dir", "/var/log/calico/cni", ""),
              hostPath("host-local-net-dir", "/var/lib/cni/networks", ""),
              hostPath("policysync", "/var/run/nodeagent", "DirectoryOrCreate"))));
    }

    /** Adds the service-account token mount that admission injects into pods (not into templates). */
    static List<Object> withTokenMount(String token, List<Object> mounts) {
      if (token != null) {
        mounts.add(mount("/var/run/secrets/kubernetes.io/serviceaccount", token, true));
      }
      return mounts;
    }

    static List<Object> withToken(String token, List<Object> volumes) {
      if (token != null) {
        volumes.add(projectedToken(token));
      }
      return volumes;
    }

    static TreeMap<String, Object> hostPath(String name, String path, String type) {
      return o("hostPath", o("path", path, "type", type), "name", name);
    }

    TreeMap<String, Object> kubeProxySpec(String token) {
      return o(
          "containers", a(o(
              "command", a("/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"),
              "env", a(fieldEnv("NODE_NAME", "spec.nodeName")),
              "image", "registry.k8s.io/kube-proxy:" + K8S_VERSION,
              "imagePullPolicy", "IfNotPresent",
              "name", "kube-proxy",
              "resources", o(),
              "securityContext", o("privileged", true),
              "terminationMessagePath", "/dev/termination-log",
              "terminationMessagePolicy", "File",
              "volumeMounts", withTokenMount(token, a(mount("/var/lib/kube-proxy", "kube-proxy", false), mount("/run/xtables.lock", "xtables-lock", false),
                  mount("/lib/modules", "lib-modules", true))))),
          "dnsPolicy", "ClusterFirst",
          "enableServiceLinks", true,
          "nodeSelector", o("kubernetes.io/os", "linux"),
          "preemptionPolicy", "PreemptLowerPriority",
          "priority", 2000001000,
          "priorityClassName", "system-node-critical",
          "restartPolicy", "Always",
          "schedulerName", "default-scheduler",
          "securityContext", o(),
          "serviceAccount", "kube-proxy",
          "serviceAccountName", "kube-proxy",
          "terminationGracePeriodSeconds", 30,
          "tolerations", a(o("operator", "Exists"),
              o("effect", "NoExecute", "key", "node.kubernetes.io/not-ready", "operator", "Exists"),
              o("effect", "NoExecute", "key", "node.kubernetes.io/unreachable", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/disk-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/memory-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/pid-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/unschedulable", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/network-unavailable", "operator", "Exists")),
          "volumes", withToken(token, a(
              o("configMap", o("defaultMode", 420, "name", "kube-proxy"), "name", "kube-proxy"),
              hostPath("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
              hostPath("lib-modules", "/lib/modules", ""))));
    }

    TreeMap<String, Object> fluentBitSpec(String token) {
      return o(
          "containers", a(o(
              "image", "cr.fluentbit.io/fluent/fluent-bit:2.2.2",
              "imagePullPolicy", "IfNotPresent",
              "livenessProbe", httpProbe("/", "http", 0, 10, 3),
              "name", "fluent-bit",
              "ports", a(o("containerPort", 2020, "name", "http", "protocol", "TCP")),
              "readinessProbe", httpProbe("/api/v1/health", "http", 0, 10, 3),
              "resources", o("limits", o("memory", "256Mi"), "requests", o("cpu", "100m", "memory", "128Mi")),
              "terminationMessagePath", "/dev/termination-log",
              "terminationMessagePolicy", "File",
              "volumeMounts", withTokenMount(token, a(mount("/fluent-bit/etc/conf", "config", false), mount("/var/log", "varlog", false),
                  mount("/var/lib/docker/containers", "varlibdockercontainers", true), mount("/etc/machine-id", "etcmachineid", true))))),
          "dnsPolicy", "ClusterFirst",
          "enableServiceLinks", true,
          "preemptionPolicy", "PreemptLowerPriority",
          "priority", 0,
          "restartPolicy", "Always",
          "schedulerName", "default-scheduler",
          "securityContext", o(),
          "serviceAccount", "fluent-bit",
          "serviceAccountName", "fluent-bit",
          "terminationGracePeriodSeconds", 30,
          "tolerations", a(o("operator", "Exists"),
              o("effect", "NoExecute", "key", "node.kubernetes.io/not-ready", "operator", "Exists"),
              o("effect", "NoExecute", "key", "node.kubernetes.io/unreachable", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/disk-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/memory-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/pid-pressure", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node.kubernetes.io/unschedulable", "operator", "Exists")),
          "volumes", withToken(token, a(
              o("configMap", o("defaultMode", 420, "name", "fluent-bit"), "name", "config"),
              hostPath("varlog", "/var/log", ""),
              hostPath("varlibdockercontainers", "/var/lib/docker/containers", ""),
              o("hostPath", o("path", "/etc/machine-id", "type", "File"), "name", "etcmachineid"))));
    }

    TreeMap<String, Object> corednsSpec(String token) {
      return o(
          "affinity", o("podAntiAffinity", o("preferredDuringSchedulingIgnoredDuringExecution", a(o(
              "podAffinityTerm", o("labelSelector", o("matchExpressions", a(o("key", "k8s-app", "operator", "In", "values", a("kube-dns")))),
                  "topologyKey", "kubernetes.io/hostname"),
              "weight", 100)))),
          "containers", a(o(
              "args", a("-conf", "/etc/coredns/Corefile"),
              "image", "registry.k8s.io/coredns/coredns:v1.11.1",
              "imagePullPolicy", "IfNotPresent",
              "livenessProbe", o("failureThreshold", 5, "httpGet", o("path", "/health", "port", 8080, "scheme", "HTTP"),
                  "initialDelaySeconds", 60, "periodSeconds", 10, "successThreshold", 1, "timeoutSeconds", 5),
              "name", "coredns",
              "ports", a(o("containerPort", 53, "name", "dns", "protocol", "UDP"), o("containerPort", 53, "name", "dns-tcp", "protocol", "TCP"),
                  o("containerPort", 9153, "name", "metrics", "protocol", "TCP")),
              "readinessProbe", o("failureThreshold", 3, "httpGet", o("path", "/ready", "port", 8181, "scheme", "HTTP"),
                  "periodSeconds", 10, "successThreshold", 1, "timeoutSeconds", 1),
              "resources", o("limits", o("memory", "170Mi"), "requests", o("cpu", "100m", "memory", "70Mi")),
              "securityContext", o("allowPrivilegeEscalation", false, "capabilities", o("add", a("NET_BIND_SERVICE"), "drop", a("ALL")),
                  "readOnlyRootFilesystem", true),
              "terminationMessagePath", "/dev/termination-log",
              "terminationMessagePolicy", "File",
              "volumeMounts", a(mount("/etc/coredns", "config-volume", true), mount("/var/run/secrets/kubernetes.io/serviceaccount", token, true)))),
          "dnsPolicy", "Default",
          "enableServiceLinks", true,
          "nodeSelector", o("kubernetes.io/os", "linux"),
          "preemptionPolicy", "PreemptLowerPriority",
          "priority", 2000000000,
          "priorityClassName", "system-cluster-critical",
          "restartPolicy", "Always",
          "schedulerName", "default-scheduler",
          "securityContext", o(),
          "serviceAccount", "coredns",
          "serviceAccountName", "coredns",
          "terminationGracePeriodSeconds", 30,
          "tolerations", a(o("key", "CriticalAddonsOnly", "operator", "Exists"),
              o("effect", "NoSchedule", "key", "node-role.kubernetes.io/control-plane"),
              o("effect", "NoExecute", "key", "node.kubernetes.io/not-ready", "operator", "Exists", "tolerationSeconds", 300),
              o("effect", "NoExecute", "key", "node.kubernetes.io/unreachable", "operator", "Exists", "tolerationSeconds", 300)),
          "volumes", a(o("configMap", o("defaultMode", 420, "items", a(o("key", "Corefile", "path", "Corefile")), "name", "coredns"),
              "name", "config-volume"), projectedToken(token)));
    }

    TreeMap<String, Object> staticSpec(String role, int node) {
      String ip = nodeIp(node);
      List<Object> command;
      List<Object> mounts = a(mount("/etc/ssl/certs", "ca-certs", true), mount("/etc/kubernetes/pki", "k8s-certs", true));
      List<Object> volumes = a(hostPath("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
          hostPath("k8s-certs", "/etc/kubernetes/pki", "DirectoryOrCreate"));
      switch (role) {
        case "etcd" -> {
          command = a("etcd", "--advertise-client-urls=https://" + ip + ":2379", "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
              "--client-cert-auth=true", "--data-dir=/var/lib/etcd", "--experimental-initial-corrupt-check=true",
              "--initial-advertise-peer-urls=https://" + ip + ":2380", "--key-file=/etc/kubernetes/pki/etcd/server.key",
              "--listen-client-urls=https://127.0.0.1:2379,https://" + ip + ":2379", "--listen-metrics-urls=http://127.0.0.1:2381",
              "--listen-peer-urls=https://" + ip + ":2380", "--name=" + nodeName[node], "--snapshot-count=10000",
              "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt");
          mounts = a(mount("/var/lib/etcd", "etcd-data", false), mount("/etc/kubernetes/pki/etcd", "etcd-certs", false));
          volumes = a(hostPath("etcd-certs", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate"), hostPath("etcd-data", "/var/lib/etcd", "DirectoryOrCreate"));
        }
        case "kube-apiserver" -> command = a("kube-apiserver", "--advertise-address=" + ip, "--allow-privileged=true",
            "--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt", "--enable-admission-plugins=NodeRestriction",
            "--enable-bootstrap-token-auth=true", "--etcd-servers=https://127.0.0.1:2379", "--secure-port=6443",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local", "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key", "--service-cluster-ip-range=" + SERVICE_CIDR,
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key");
        case "kube-controller-manager" -> command = a("kube-controller-manager", "--allocate-node-cidrs=true",
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf", "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--bind-address=127.0.0.1", "--client-ca-file=/etc/kubernetes/pki/ca.crt", "--cluster-cidr=" + CLUSTER_CIDR,
            "--cluster-name=kubernetes", "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key", "--controllers=*,bootstrapsigner,tokencleaner",
            "--kubeconfig=/etc/kubernetes/controller-manager.conf", "--leader-elect=true", "--node-cidr-mask-size=24",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt", "--root-ca-file=/etc/kubernetes/pki/ca.crt",
            "--service-account-private-key-file=/etc/kubernetes/pki/sa.key", "--service-cluster-ip-range=" + SERVICE_CIDR,
            "--use-service-account-credentials=true");
        default -> command = a("kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf", "--bind-address=127.0.0.1",
            "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true");
      }
      int port = switch (role) {
        case "etcd" -> 2381;
        case "kube-apiserver" -> 6443;
        case "kube-controller-manager" -> 10257;
        default -> 10259;
      };
      String host = role.equals("kube-apiserver") ? ip : "127.0.0.1";
      String path = role.equals("etcd") ? "/health?exclude=NOSPACE&serializable=true" : role.equals("kube-apiserver") ? "/livez" : "/healthz";
      return o(
          "containers", a(o(
              "command", command,
              "image", role.equals("etcd") ? "registry.k8s.io/etcd:3.5.12-0" : "registry.k8s.io/" + role + ":" + K8S_VERSION,
              "imagePullPolicy", "IfNotPresent",
              "livenessProbe", o("failureThreshold", 8, "httpGet", o("host", host, "path", path, "port", port,
                  "scheme", role.equals("etcd") ? "HTTP" : "HTTPS"), "initialDelaySeconds", 10, "periodSeconds", 10,
                  "successThreshold", 1, "timeoutSeconds", 15),
              "name", role,
              "resources", o("requests", o("cpu", role.equals("kube-apiserver") ? "250m" : role.equals("kube-controller-manager") ? "200m" : "100m")),
              "terminationMessagePath", "/dev/termination-log",
              "terminationMessagePolicy", "File",
              "volumeMounts", mounts)),
          "dnsPolicy", "ClusterFirst",
          "enableServiceLinks", true,
          "preemptionPolicy", "PreemptLowerPriority",
          "priority", 2000001000,
          "priorityClassName", "system-node-critical",
          "restartPolicy", "Always",
          "schedulerName", "default-scheduler",
          "securityContext", o("seccompProfile", o("type", "RuntimeDefault")),
          "terminationGracePeriodSeconds", 30,
          "tolerations", a(o("effect", "NoExecute", "operator", "Exists")),
          "volumes", volumes);
    }

    TreeMap<String, Object> condition(String type, boolean status, long at, String reason, String message) {
      return o("lastProbeTime", null, "lastTransitionTime", ts(at), "message", message == null ? SKIP : message,
          "reason", reason == null ? SKIP : reason, "status", status ? "True" : "False", "type", type);
    }

    TreeMap<String, Object> podStatus(PodRef p, List<String> containers, String ip, SplittableRandom r, String uid) {
      long t = p.created();
      String qos = p.workload() != null || p.sys() == SysKind.COREDNS || p.sys() == SysKind.FLUENT_BIT ? "Burstable"
          : p.sys() == SysKind.KUBE_PROXY || p.sys() == SysKind.CALICO_KUBE_CONTROLLERS ? "BestEffort" : "Burstable";
      if (p.state() == State.UNSCHEDULED) {
        return o("conditions", a(condition("PodScheduled", false, t + 1, "Unschedulable", unschedulableMessage())),
            "phase", "Pending", "qosClass", qos);
      }
      String unready = "containers with unready status: [" + String.join(" ", containers) + "]";
      List<Object> conditions;
      String phase = "Running";
      List<Object> statuses = a();
      List<String> sorted = new ArrayList<>(containers);
      Collections.sort(sorted);
      String main = containers.get(0);
      long started = t + 3 + r.nextInt(20);
      switch (p.state()) {
        case CREATING, JUST_SCHEDULED, SANDBOX_FAILING -> {
          phase = "Pending";
          conditions = a(condition("PodReadyToStartContainers", p.state() == State.CREATING, t + 1, null, null),
              condition("Initialized", true, t + 1, null, null),
              condition("Ready", false, t + 1, "ContainersNotReady", unready),
              condition("ContainersReady", false, t + 1, "ContainersNotReady", unready),
              condition("PodScheduled", true, t, null, null));
          for (String cn : sorted) {
            statuses.add(o("image", imageOf(p, cn), "imageID", "", "lastState", o(), "name", cn, "ready", false,
                "restartCount", 0, "started", false, "state", o("waiting", o("reason", "ContainerCreating"))));
          }
        }
        case IMAGE_PULL -> {
          phase = "Pending";
          conditions = a(condition("PodReadyToStartContainers", true, t + 2, null, null),
              condition("Initialized", true, t + 1, null, null),
              condition("Ready", false, t + 1, "ContainersNotReady", unready),
              condition("ContainersReady", false, t + 1, "ContainersNotReady", unready),
              condition("PodScheduled", true, t, null, null));
          for (String cn : sorted) {
            boolean bad = cn.equals(main);
            statuses.add(o("image", imageOf(p, cn), "imageID", bad ? "" : imageIdOf(p, cn), "lastState", o(), "name", cn,
                "ready", false, "restartCount", 0, "started", bad ? false : (Object) true,
                "state", bad ? o("waiting", o("message", "Back-off pulling image \"" + imageOf(p, cn) + "\"", "reason", "ImagePullBackOff"))
                    : o("running", o("startedAt", ts(started))),
                "containerID", bad ? SKIP : "containerd://" + hex(r, 64)));
          }
        }
        case SUCCEEDED -> {
          phase = "Succeeded";
          long done = started + 20 + r.nextInt(200);
          conditions = a(condition("PodReadyToStartContainers", false, done + 1, null, null),
              condition("Initialized", true, t + 1, "PodCompleted", null),
              condition("Ready", false, done + 1, "PodCompleted", null),
              condition("ContainersReady", false, done + 1, "PodCompleted", null),
              condition("PodScheduled", true, t, null, null));
          for (String cn : sorted) {
            statuses.add(o("containerID", "containerd://" + hex(r, 64), "image", imageOf(p, cn), "imageID", imageIdOf(p, cn),
                "lastState", o(), "name", cn, "ready", false, "restartCount", 0, "started", false,
                "state", o("terminated", o("containerID", "containerd://" + hex(r, 64), "exitCode", 0, "finishedAt", ts(done),
                    "reason", "Completed", "startedAt", ts(started)))));
          }
        }
        case CRASHLOOP, CALICO_CRASHLOOP, CALICO_UNREADY -> {
          boolean crash = p.state() != State.CALICO_UNREADY;
          boolean calicoBreak = p.state() == State.CALICO_CRASHLOOP;
          long unreadySince = calicoBreak ? cniBreak(p.node()) : NOW - 1800 + r.nextInt(900);
          conditions = a(condition("PodReadyToStartContainers", true, t + 2, null, null),
              condition("Initialized", true, t + 2, null, null),
              condition("Ready", false, unreadySince, "ContainersNotReady", "containers with unready status: [" + main + "]"),
              condition("ContainersReady", false, unreadySince, "ContainersNotReady", "containers with unready status: [" + main + "]"),
              condition("PodScheduled", true, t, null, null));
          for (String cn : sorted) {
            boolean bad = cn.equals(main);
            String cid = "containerd://" + hex(r, 64);
            if (!bad) {
              statuses.add(running(p, cn, cid, started, true));
            } else if (crash) {
              int restarts = calicoBreak ? 4 : 20 + r.nextInt(200);
              long last = calicoBreak ? NOW - 20 - r.nextInt(40) : NOW - 30 - r.nextInt(240);
              statuses.add(o("containerID", cid, "image", imageOf(p, cn), "imageID", imageIdOf(p, cn),
                  "lastState", o("terminated", o("containerID", cid, "exitCode", 1, "finishedAt", ts(last), "reason", "Error",
                      "startedAt", ts(last - 2 - r.nextInt(20)))),
                  "name", cn, "ready", false, "restartCount", restarts, "started", false,
                  "state", o("waiting", o("message", "back-off " + (calicoBreak ? "1m20s" : "5m0s") + " restarting failed container=" + cn + " pod=" + p.name() + "_"
                      + p.ns().name + "(" + uid + ")", "reason", "CrashLoopBackOff"))));
            } else {
              statuses.add(running(p, cn, cid, started, false));
            }
          }
        }
        default -> {
          long ready = started + 5 + r.nextInt(30);
          conditions = a(condition("PodReadyToStartContainers", true, started - 1, null, null),
              condition("Initialized", true, t + 1, null, null),
              condition("Ready", true, ready, null, null),
              condition("ContainersReady", true, ready, null, null),
              condition("PodScheduled", true, t, null, null));
          for (String cn : sorted) {
            statuses.add(running(p, cn, "containerd://" + hex(r, 64), started, true));
          }
        }
      }
      TreeMap<String, Object> status = o(
          "conditions", conditions,
          "containerStatuses", statuses,
          "hostIP", nodeIp(p.node()),
          "hostIPs", a(o("ip", nodeIp(p.node()))),
          "phase", phase,
          "qosClass", qos,
          "startTime", ts(t + 1));
      if (ip != null) {
        status.put("podIP", ip);
        status.put("podIPs", a(o("ip", ip)));
      }
      if (p.sys() == SysKind.CALICO_NODE) {
        boolean done = p.state() != State.SANDBOX_FAILING;
        List<Object> init = a();
        for (String cn : List.of("upgrade-ipam", "install-cni")) {
          String cid = "containerd://" + hex(r, 64);
          init.add(o("containerID", cid, "image", "docker.io/calico/cni:" + CALICO_VERSION,
              "imageID", "docker.io/calico/cni@sha256:" + hex(new SplittableRandom(5), 64), "lastState", o(), "name", cn,
              "ready", done, "restartCount", 0, "started", false,
              "state", o("terminated", o("containerID", cid, "exitCode", 0, "finishedAt", ts(t + 8), "reason", "Completed",
                  "startedAt", ts(t + 4)))));
        }
        status.put("initContainerStatuses", init);
      }
      return status;
    }

    TreeMap<String, Object> running(PodRef p, String cn, String cid, long started, boolean ready) {
      return o("containerID", cid, "image", imageOf(p, cn), "imageID", imageIdOf(p, cn), "lastState", o(), "name", cn,
          "ready", ready, "restartCount", 0, "started", true, "state", o("running", o("startedAt", ts(started))));
    }

    String imageIdOf(PodRef p, String container) {
      if (p.workload() != null && !container.equals("envoy")) {
        return p.workload().imageId;
      }
      String image = imageOf(p, container);
      return image.substring(0, image.lastIndexOf(':')) + "@sha256:" + hex(new SplittableRandom(image.hashCode()), 64);
    }

    // --- events ---------------------------------------------------------------------------------

    void writeEvents(ListFile f) throws IOException {
      // the planning pass recorded these too; count only what is written
      sandboxEventsByNode.clear();
      sampleMessageByNode.clear();
      for (Namespace ns : allNamespaces) {
        for (Ev e : eventsOf(ns, true)) {
          f.add(event(ns, e));
          writtenEvents++;
          if (e.reason().equals("FailedCreatePodSandBox")) {
            sandboxEvents++;
          }
        }
      }
      if (writtenEvents != c.events()) {
        throw new IllegalStateException("wrote " + writtenEvents + " events, planned " + c.events());
      }
    }

    Map<String, Object> event(Namespace ns, Ev e) {
      SplittableRandom r = new SplittableRandom(mix(e.nameNanos() ^ seed) + e.involvedName().hashCode());
      TreeMap<String, Object> involved = o(
          "apiVersion", e.involvedApiVersion() == null ? SKIP : e.involvedApiVersion(),
          "fieldPath", e.fieldPath() == null ? SKIP : e.fieldPath(),
          "kind", e.involvedKind(),
          "name", e.involvedName(),
          "namespace", e.involvedKind().equals("Node") ? SKIP : ns.name,
          "resourceVersion", e.involvedKind().equals("Node") ? SKIP : rv(r),
          "uid", e.involvedUid());
      TreeMap<String, Object> metadata = o(
          "creationTimestamp", ts(e.first()),
          "name", e.name(),
          "namespace", ns.name,
          "resourceVersion", rv(r),
          "uid", uuid(r));
      if (e.eventsApi()) {
        int micros = (int) (e.nameNanos() % 1_000_000_000L / 1000);
        return o(
            "action", e.action(),
            "apiVersion", "v1",
            "eventTime", micro(e.first(), micros),
            "firstTimestamp", null,
            "involvedObject", involved,
            "kind", "Event",
            "lastTimestamp", null,
            "message", e.message(),
            "metadata", metadata,
            "reason", e.reason(),
            "reportingComponent", "default-scheduler",
            "reportingInstance", "default-scheduler-" + nodeName[0],
            "series", e.count() > 1 ? o("count", e.count(), "lastObservedTime", micro(e.last(), micros)) : SKIP,
            "source", o(),
            "type", e.type());
      }
      return o(
          "apiVersion", "v1",
          "count", e.count(),
          "eventTime", null,
          "firstTimestamp", ts(e.first()),
          "involvedObject", involved,
          "kind", "Event",
          "lastTimestamp", ts(e.last()),
          "message", e.message(),
          "metadata", metadata,
          "reason", e.reason(),
          "reportingComponent", e.component(),
          "reportingInstance", e.host() == null ? "" : e.host(),
          "source", e.host() == null ? o("component", e.component()) : o("component", e.component(), "host", e.host()),
          "type", e.type());
    }

    // --- daemonsets, configmaps, services ------------------------------------------------------

    void writeDaemonSets(ListFile f) throws IOException {
      int notReadyCalico = problemNodes.get(Problem.CNI_NOT_INITIALIZED).size() + problemNodes.get(Problem.CALICO_UNAUTHORIZED).size();
      int notReadyFluent = problemNodes.get(Problem.NODE_CIDR_MISSING).size();
      // sorted by namespace, then name: kube-system/calico-node, kube-system/kube-proxy, logging/fluent-bit
      f.add(daemonSet("kube-system", "calico-node", o("k8s-app", "calico-node"), calicoNodeSpec(null), notReadyCalico, "1"));
      f.add(daemonSet("kube-system", "kube-proxy", o("k8s-app", "kube-proxy"), kubeProxySpec(null), 0, "1"));
      f.add(daemonSet("logging", "fluent-bit", o("app.kubernetes.io/instance", "fluent-bit", "app.kubernetes.io/name", "fluent-bit"),
          fluentBitSpec(null), notReadyFluent, "3"));
    }

    Map<String, Object> daemonSet(String ns, String name, TreeMap<String, Object> selector, TreeMap<String, Object> podSpec,
        int unready, String generation) {
      SplittableRandom r = rng(T_SYS, name.hashCode(), 4);
      TreeMap<String, Object> labels = new TreeMap<>(selector);
      TreeMap<String, Object> status = o(
          "currentNumberScheduled", nodeCount,
          "desiredNumberScheduled", nodeCount,
          "numberAvailable", nodeCount - unready,
          "numberMisscheduled", 0,
          "numberReady", nodeCount - unready,
          "numberUnavailable", unready > 0 ? unready : SKIP,
          "observedGeneration", Integer.parseInt(generation),
          "updatedNumberScheduled", nodeCount);
      return o(
          "apiVersion", "apps/v1",
          "kind", "DaemonSet",
          "metadata", o(
              "annotations", o("deprecated.daemonset.template.generation", generation),
              "creationTimestamp", ts(CLUSTER_BORN + 400),
              "generation", Integer.parseInt(generation),
              "labels", labels,
              "name", name,
              "namespace", ns,
              "resourceVersion", rv(r),
              "uid", dsUid(name)),
          "spec", o(
              "revisionHistoryLimit", 10,
              "selector", o("matchLabels", selector),
              "template", o("metadata", o("creationTimestamp", null, "labels", new TreeMap<>(selector)), "spec", podSpec),
              "updateStrategy", o("rollingUpdate", o("maxSurge", 0, "maxUnavailable", 1), "type", "RollingUpdate")),
          "status", status);
    }

    void writeConfigMaps(ListFile f) throws IOException {
      String calicoCni = "{\n  \"name\": \"k8s-pod-network\",\n  \"cniVersion\": \"0.3.1\",\n  \"plugins\": [\n    {\n"
          + "      \"type\": \"calico\",\n      \"log_level\": \"info\",\n      \"log_file_path\": \"/var/log/calico/cni/cni.log\",\n"
          + "      \"datastore_type\": \"kubernetes\",\n      \"nodename\": \"__KUBERNETES_NODE_NAME__\",\n      \"mtu\": __CNI_MTU__,\n"
          + "      \"ipam\": {\n          \"type\": \"calico-ipam\"\n      },\n      \"policy\": {\n          \"type\": \"k8s\"\n      },\n"
          + "      \"kubernetes\": {\n          \"kubeconfig\": \"__KUBECONFIG_FILEPATH__\"\n      }\n    },\n    {\n"
          + "      \"type\": \"portmap\",\n      \"snat\": true,\n      \"capabilities\": {\"portMappings\": true}\n    },\n    {\n"
          + "      \"type\": \"bandwidth\",\n      \"capabilities\": {\"bandwidth\": true}\n    }\n  ]\n}";
      f.add(configMap("calico-config", o("calico_backend", "bird", "cni_network_config", calicoCni, "typha_service_name", "none",
          "veth_mtu", "0")));
      String clusterConfiguration = "apiServer:\n  certSANs:\n  - k8s-api.dc1.acme.internal\n  extraArgs:\n    authorization-mode: Node,RBAC\n"
          + "  timeoutForControlPlane: 4m0s\napiVersion: kubeadm.k8s.io/v1beta3\ncertificatesDir: /etc/kubernetes/pki\n"
          + "clusterName: kubernetes\ncontrolPlaneEndpoint: k8s-api.dc1.acme.internal:6443\ncontrollerManager:\n  extraArgs:\n"
          + "    node-cidr-mask-size: \"24\"\ndns: {}\netcd:\n  local:\n    dataDir: /var/lib/etcd\nimageRepository: registry.k8s.io\n"
          + "kind: ClusterConfiguration\nkubernetesVersion: " + K8S_VERSION + "\nnetworking:\n  dnsDomain: cluster.local\n"
          + "  podSubnet: " + CLUSTER_CIDR + "\n  serviceSubnet: " + SERVICE_CIDR + "\nscheduler: {}\n";
      String proxyConfig = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nbindAddressHardFail: false\n"
          + "clientConnection:\n  acceptContentTypes: \"\"\n  burst: 0\n  contentType: \"\"\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n"
          + "  qps: 0\nclusterCIDR: " + CLUSTER_CIDR + "\nconfigSyncPeriod: 0s\nconntrack:\n  maxPerCore: null\n  min: null\n"
          + "  tcpCloseWaitTimeout: null\n  tcpEstablishedTimeout: null\ndetectLocalMode: \"\"\nenableProfiling: false\n"
          + "healthzBindAddress: \"\"\nhostnameOverride: \"\"\niptables:\n  localhostNodePorts: null\n  masqueradeAll: false\n"
          + "  masqueradeBit: null\n  minSyncPeriod: 0s\n  syncPeriod: 0s\nipvs:\n  excludeCIDRs: null\n  minSyncPeriod: 0s\n"
          + "  scheduler: \"\"\n  strictARP: false\n  syncPeriod: 0s\n  tcpFinTimeout: 0s\n  tcpTimeout: 0s\n  udpTimeout: 0s\n"
          + "kind: KubeProxyConfiguration\nlogging:\n  flushFrequency: 0\n  options:\n    json:\n      infoBufferSize: \"0\"\n"
          + "  verbosity: 0\nmetricsBindAddress: \"\"\nmode: \"\"\nnodePortAddresses: null\noomScoreAdj: null\nportRange: \"\"\n"
          + "showHiddenMetricsForInternalVersion: \"\"\nwinkernel:\n  enableDSR: false\n  forwardHealthCheckVip: false\n"
          + "  networkName: \"\"\n  rootHnsEndpointName: \"\"\n  sourceVip: \"\"";
      String proxyKubeconfig = "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: "
          + "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: https://k8s-api.dc1.acme.internal:6443\n  name: default\n"
          + "contexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\n"
          + "current-context: default\nusers:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token";
      f.add(configMap("kube-proxy", o("config.conf", proxyConfig, "kubeconfig.conf", proxyKubeconfig)));
      // byte order, as the API server lists them: kube-proxy sorts before kubeadm-config
      f.add(configMap("kubeadm-config", o("ClusterConfiguration", clusterConfiguration)));
    }

    Map<String, Object> configMap(String name, TreeMap<String, Object> data) {
      SplittableRandom r = rng(T_SYS, name.hashCode(), 5);
      TreeMap<String, Object> metadata = o("creationTimestamp", ts(CLUSTER_BORN + 200), "name", name, "namespace", "kube-system",
          "resourceVersion", rv(r), "uid", uuid(r));
      if (name.equals("kube-proxy")) {
        metadata.put("labels", o("app", "kube-proxy"));
      }
      return o("apiVersion", "v1", "data", data, "kind", "ConfigMap", "metadata", metadata);
    }

    void writeServices(ListFile f) throws IOException {
      int next = 0;
      for (Namespace ns : allNamespaces) {
        List<Map<String, Object>> list = new ArrayList<>();
        if (ns == defaultNs) {
          list.add(service(ns.name, "kubernetes", "172.30.0.1", o("component", "apiserver", "provider", "kubernetes"), null,
              a(o("name", "https", "port", 443, "protocol", "TCP", "targetPort", 6443)), CLUSTER_BORN + 10));
        } else if (ns == kubeSystem) {
          list.add(service(ns.name, "kube-dns", "172.30.0.10", o("k8s-app", "kube-dns", "kubernetes.io/cluster-service", "true",
              "kubernetes.io/name", "CoreDNS"), o("k8s-app", "kube-dns"),
              a(o("name", "dns", "port", 53, "protocol", "UDP", "targetPort", 53), o("name", "dns-tcp", "port", 53, "protocol", "TCP", "targetPort", 53),
                  o("name", "metrics", "port", 9153, "protocol", "TCP", "targetPort", 9153)), CLUSTER_BORN + 60));
        } else if (ns.app) {
          for (Workload w : ns.workloads) {
            if (!w.service) {
              continue;
            }
            String ip;
            if (w.kind == Kind.STATEFULSET) {
              ip = "None";
            } else {
              int host = 256 + next++;
              ip = "172.30." + (host >> 8) + "." + (host & 255);
              if ((host & 255) == 0 || (host & 255) == 255) {
                host = 256 + next++;
                ip = "172.30." + (host >> 8) + "." + (host & 255);
              }
            }
            list.add(service(ns.name, w.name, ip, o("app.kubernetes.io/name", w.name, "app.kubernetes.io/part-of", ns.team),
                o("app.kubernetes.io/name", w.name),
                a(o("name", "http", "port", 80, "protocol", "TCP", "targetPort", "http"),
                    o("name", "metrics", "port", 9090, "protocol", "TCP", "targetPort", "metrics")), w.created));
          }
        }
        list.sort(Comparator.comparing(m -> (String) ((Map<?, ?>) m.get("metadata")).get("name")));
        for (Map<String, Object> s : list) {
          f.add(s);
          services++;
        }
      }
    }

    Map<String, Object> service(String ns, String name, String clusterIp, TreeMap<String, Object> labels, TreeMap<String, Object> selector,
        List<Object> ports, long created) {
      SplittableRandom r = rng(T_SVC, ns.hashCode(), name.hashCode());
      return o(
          "apiVersion", "v1",
          "kind", "Service",
          "metadata", o("creationTimestamp", ts(created), "labels", labels, "name", name, "namespace", ns,
              "resourceVersion", rv(r), "uid", uuid(r)),
          "spec", o(
              "clusterIP", clusterIp,
              "clusterIPs", a(clusterIp),
              "internalTrafficPolicy", "Cluster",
              "ipFamilies", a("IPv4"),
              "ipFamilyPolicy", "SingleStack",
              "ports", ports,
              "selector", selector == null ? SKIP : selector,
              "sessionAffinity", "None",
              "type", "ClusterIP"),
          "status", o("loadBalancer", o()));
    }

    // --- manifest, ground truth, summary --------------------------------------------------------

    Map<String, Object> manifest() {
      return o(
          "apiVersion", "podnet.dev/v1",
          "kind", "SnapshotManifest",
          "collectedAt", ts(NOW),
          "collectedBy", "bench/GenerateCluster.java (synthetic data, not a real cluster)",
          "podnetVersion", "synthetic",
          "source", o("type", "synthetic", "seed", seed, "nodes", nodeCount, "pods", c.pods(), "events", c.events(),
              "indent", c.indent(), "kubernetesVersion", K8S_VERSION),
          "collected", a("cluster/nodes.json", "cluster/pods.json", "cluster/events.json", "cluster/daemonsets.json",
              "cluster/configmaps.json", "cluster/services.json"),
          "configMaps", a("kube-system/calico-config", "kube-system/kube-proxy", "kube-system/kubeadm-config"),
          "notCollected", a("cluster/crds", "nodes/"),
          "redacted", a());
    }

    Map<String, Object> groundTruth() {
      List<Object> problems = a();
      for (Map.Entry<Problem, List<Integer>> e : problemNodes.entrySet()) {
        for (int n : e.getValue()) {
          Problem p = e.getKey();
          TreeMap<String, Object> entry = o(
              "node", nodeName[n],
              "problem", p.name().toLowerCase(Locale.ROOT),
              "expectedCause", p.expectedCause,
              "summary", p.summary,
              "podCIDR", podCidr(n),
              "nodeReady", p != Problem.CNI_NOT_INITIALIZED,
              "calicoNodeReady", p != Problem.CNI_NOT_INITIALIZED && p != Problem.CALICO_UNAUTHORIZED,
              "sandboxFailingPods", failingPodsByNode.getOrDefault(n, List.of()).size(),
              "failedCreatePodSandBoxEvents", sandboxEventsByNode.getOrDefault(n, 0),
              "sampleMessage", sampleMessageByNode.get(n),
              "pods", new ArrayList<Object>(failingPodsByNode.getOrDefault(n, List.of())));
          if (p == Problem.IPAM_EXHAUSTED) {
            int used = ipsInUse.getOrDefault(n, 0);
            entry.put("rangeSet", rangeSet(n));
            entry.put("usableAddresses", 253);
            entry.put("addressesHeldByPods", used);
            entry.put("leakedReservations", 253 - used);
            entry.put("maxPods", maxPods[n]);
          }
          problems.add(entry);
        }
      }
      TreeMap<String, Object> files = o();
      fileSizes.forEach(files::put);
      int sidecarless = c.pods() - sidecarPods;
      return o(
          // no timings here: the same seed gives a byte-identical ground truth
          "generator", o("seed", seed, "nodes", nodeCount, "pods", c.pods(), "events", c.events(), "indent", c.indent()),
          "snapshotTime", ts(NOW),
          "clusterCIDR", CLUSTER_CIDR,
          "serviceCIDR", SERVICE_CIDR,
          "nodeNetwork", NODE_NETWORK,
          "nodeCIDRMaskSize", 24,
          "kubernetesVersion", K8S_VERSION,
          "files", files,
          "counts", o(
              "nodes", nodeCount,
              "namespaces", allNamespaces.size(),
              "pods", c.pods(),
              "podsByPhase", new TreeMap<String, Object>(podsByPhase),
              "pendingPods", pendingPods,
              "unscheduledPods", unscheduledPods,
              "containerCreatingPods", containerCreatingPods,
              "sandboxFailingPods", sandboxFailingPods,
              "containerCreatingWithoutFailure", containerCreatingPods - sandboxFailingPods,
              "waitingReasons", new TreeMap<String, Object>(waitingReasons),
              "hostNetworkPods", hostNetworkPods,
              "podsWithSidecar", sidecarPods,
              "events", writtenEvents,
              "failedCreatePodSandBoxEvents", sandboxEvents,
              "daemonSets", 3,
              "configMaps", 3,
              "services", services),
          "problems", problems,
          "distractors", a(
              "unscheduled pods (no nodeName, FailedScheduling events from default-scheduler with eventTime, null lastTimestamp)",
              "ContainerCreating pods on healthy nodes pulling their image: sandbox up, podIP set, Scheduled + Pulling events",
              "pods bound 1-3 s before the snapshot: ContainerCreating without podIP, only a Scheduled event (too young to judge)",
              "ImagePullBackOff pods: Pending but with a podIP (the sandbox exists)",
              "CrashLoopBackOff pods: Running with a podIP",
              "Succeeded CronJob pods keep their podIP",
              "hostNetwork pods (calico-node, kube-proxy, control plane) use the node IP",
              "Killing/SuccessfulCreate/SuccessfulDelete events for pods that no longer exist",
              "the IPv4 range set text uses rangeStart .2; the first exhausted node holds 10.244.1.0/24 so the"
                  + " message is verbatim 10.244.1.2-10.244.1.254; the others carry their own /24"),
          "notes", "Synthetic. CNI message families are mixed on purpose (bridge/host-local, calico, flannel, aws-cni);"
              + " a real cluster runs one CNI. Pods without a sidecar: " + sidecarless + ".");
    }

    void printSummary(double seconds) {
      StringBuilder s = new StringBuilder();
      s.append(String.format(Locale.ROOT, "Generated %s in %.1f s (seed %d, indent %d)%n", c.out(), seconds, seed, c.indent()));
      s.append(String.format(Locale.ROOT, "  nodes %,d  pods %,d  events %,d  services %,d  namespaces %,d%n", nodeCount, c.pods(),
          writtenEvents, services, allNamespaces.size()));
      s.append(String.format(Locale.ROOT, "  pods by phase %s; pending %,d (unscheduled %,d, ContainerCreating %,d of which"
          + " sandbox failures %,d); waiting reasons %s%n", podsByPhase, pendingPods, unscheduledPods, containerCreatingPods,
          sandboxFailingPods, waitingReasons));
      s.append(String.format(Locale.ROOT, "  FailedCreatePodSandBox events %,d; pods with a sidecar %,d (%.1f%%); hostNetwork pods %,d%n",
          sandboxEvents, sidecarPods, 100.0 * sidecarPods / c.pods(), hostNetworkPods));
      s.append("Files:\n");
      for (Map.Entry<String, Long> e : fileSizes.entrySet()) {
        s.append(String.format(Locale.ROOT, "  %-26s %,15d bytes  %8.1f MB  %6.1f s%n", e.getKey(), e.getValue(), e.getValue() / 1e6,
            fileSeconds.get(e.getKey())));
      }
      s.append(String.format(Locale.ROOT, "  average pod: %,d bytes%n", fileSizes.get("cluster/pods.json") / Math.max(1, c.pods())));
      s.append("Ground truth (also in ground-truth.json):\n");
      s.append(String.format(Locale.ROOT, "  %-14s %-22s %-21s %-16s %5s %6s  %s%n", "node", "problem", "expected cause", "podCIDR",
          "pods", "events", "sample message"));
      for (Map.Entry<Problem, List<Integer>> e : problemNodes.entrySet()) {
        for (int n : e.getValue()) {
          String msg = sampleMessageByNode.getOrDefault(n, "");
          int at = msg.indexOf("\": ");
          String tail = at > 0 ? msg.substring(at + 3) : msg;
          s.append(String.format(Locale.ROOT, "  %-14s %-22s %-21s %-16s %5d %6d  %s%n", nodeName[n],
              e.getKey().name().toLowerCase(Locale.ROOT), e.getKey().expectedCause, podCidr(n) == null ? "-" : podCidr(n),
              failingPodsByNode.getOrDefault(n, List.of()).size(), sandboxEventsByNode.getOrDefault(n, 0),
              tail.length() > 110 ? tail.substring(0, 107) + "..." : tail));
        }
      }
      System.out.print(s);
    }
  }
}
