package dev.podnet.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes a pod-sandbox failure message apart into its wrapper layers, outermost first, down to the
 * innermost error.
 *
 * <p>It knows the wrappers that kubelet, the CRI runtimes (containerd, CRI-O, dockershim), libcni
 * and the common plugins (Multus, flannel, host-local, AWS VPC CNI, Azure CNI, Cilium) put around
 * an error, finds them with {@link String#indexOf} and checks each candidate with one anchored,
 * bounded regular expression. Every anchor's search position only moves forward, so the work is
 * linear in the message length times the number of anchors; no pattern can backtrack
 * catastrophically. Text before the first wrapper (log timestamps, {@code kubectl describe}
 * columns, event counts such as {@code (x158 over 6m)}) is dropped as noise; text between two
 * wrappers is kept as an unnamed layer.
 *
 * <p>Log lines in logfmt form ({@code err="..."}, {@code error="..."}, {@code msg="..."}) are
 * unquoted first, and backslash-escaped quotes are unescaped, so kubelet and containerd journal
 * lines parse like event messages.
 */
public final class ErrorChainParser {

  /** Longer input is cut: real messages stay far below this and the parser must stay cheap. */
  static final int MAX_CHARS = 64 * 1024;

  private static final String TEARDOWN_AGGREGATE = ", failed to clean up sandbox container";
  private static final String GO_CNI_LOAD_SUFFIX = ": failed to load cni config";
  private static final String SKIPPING_POD_SUFFIX = "; skipping pod";

  private static final int FLAGS = Pattern.CASE_INSENSITIVE;
  private static final Pattern OBJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

  /**
   * Headers that journald, klog, Calico's logger and the CRI log format put in front of a log line;
   * they carry no error text, so they are cut before a message without wrappers is shown.
   */
  private static final Pattern[] LOG_HEADERS = {
    // journald/syslog: "Jul 11 04:35:48 host kubelet[7018]: "
    Pattern.compile(
        "[A-Z][a-z]{2} {1,2}\\d{1,2} \\d\\d:\\d\\d:\\d\\d \\S{1,253} [^\\s:\\[]{1,64}(?:\\[\\d{1,10}\\])?: "),
    // klog: "E0519 00:37:28.550351 1 network.go:102] "
    Pattern.compile(
        "[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{1,9} \\d{1,10} [^\\s\\]]{1,128}:\\d{1,6}\\] "),
    // ISO timestamps, with the CRI log stream marker: "2024-06-23T18:22:34.66+03:00 stdout F ",
    // or journalctl -o short-iso's host and process: "2025-01-07T10:00:01+0000 node
    // containerd[812]: "
    Pattern.compile(
        "\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})?(?:Z|[+-]\\d\\d:?\\d\\d)?"
            + "(?: (?:stdout|stderr) [FP]| \\S{1,253} [^\\s:\\[]{1,64}\\[\\d{1,10}\\]:)? "),
    // Calico: "[ERROR][4035329] plugin.go 121: "
    Pattern.compile("\\[[A-Z]{1,8}\\]\\[\\d{1,10}\\] \\S{1,128}(?: \\d{1,6})?: "),
  };

  private static final Pattern GRPC =
      Pattern.compile("rpc error: code = ([A-Za-z0-9]{1,32}) desc = ?\\[?", FLAGS);
  private static final Pattern SANDBOX_NETWORK =
      Pattern.compile(
          "failed to (setup|destroy) network for sandbox (?:\"([^\"]{0,128})\"|'([^']{0,128})'"
              + "|([^\\s:]{1,128}))(?::? )?",
          FLAGS);
  private static final Pattern DOCKERSHIM_SANDBOX =
      Pattern.compile(
          "failed to set up sandbox container \"([^\"]{0,128})\" network for pod"
              + " \"([^\"]{0,253})\": ",
          FLAGS);
  private static final Pattern NETWORK_PLUGIN =
      Pattern.compile(
          "networkplugin cni failed to (set up|teardown) pod \"?([^\"\\s]{0,300})\"? network: ",
          FLAGS);
  private static final Pattern OLD_KUBELET =
      Pattern.compile(
          "failed to setup network for pod (?:\"([^\"]{0,300})\"|(\\S{0,300})) using network"
              + " plugins \"[^\"]{0,64}\": ",
          FLAGS);
  private static final Pattern KUBELET_LOG_POD =
      Pattern.compile("createpodsandbox for pod \"([^\"]{0,300})\" failed: ", FLAGS);
  private static final Pattern CRIO_SANDBOX =
      Pattern.compile(
          "failed to create pod network sandbox k8s_([^_\\s]{1,253})_([^_\\s]{1,63})"
              + "_([^_\\s(]{0,64})_(\\d{1,5})\\(([0-9a-fA-F]{1,64})\\): ",
          FLAGS);
  private static final Pattern OCICNI =
      Pattern.compile(
          "error adding pod ([^_\\s]{1,63})_([^\\s]{1,253}) to cni network \"([^\"]{0,128})\": ",
          FLAGS);
  private static final Pattern LIBCNI =
      Pattern.compile(
          "plugin type=[\"']([^\"'\\s]{1,128})[\"'](?: name=[\"']([^\"']{0,128})[\"'])?"
              + " failed \\((add|delete|del|check)\\):? ?",
          FLAGS);
  private static final Pattern CNI_REQUEST =
      Pattern.compile("cni request failed with status (\\d{3}):? ?'?", FLAGS);
  private static final Pattern HOST_LOCAL_RANGE =
      Pattern.compile("failed to allocate for range \\d{1,4}: ", FLAGS);
  private static final Pattern MULTUS_NETWORK =
      Pattern.compile("error adding container to network \"([^\"]{0,128})\":? ?", FLAGS);
  private static final Pattern MULTUS_DELEGATE =
      Pattern.compile(
          "delegateadd:? error (?:invoking delegateadd|in invoke delegate add) -"
              + " \"([^\"]{0,128})\":? ?",
          FLAGS);
  private static final Pattern MULTUS_OLD_DELEGATE =
      Pattern.compile("error in invoke delegate add - \"([^\"]{0,128})\":? ?", FLAGS);
  private static final Pattern MULTUS_ERRORED =
      Pattern.compile(
          "error configuring pod \\[([^/\\]\\s]{0,63})/([^\\]\\s]{1,253})\\] networking: ", FLAGS);
  private static final Pattern NETWORK_READY_CONDITION =
      Pattern.compile("networkready=false reason:[A-Za-z]{0,64} message:", FLAGS);

  /**
   * Pod tags that Multus ({@code [ns/pod/uid:net]}), ocicni ({@code [ns/pod:net]}) and
   * ovn-kubernetes ({@code [ns/pod sandbox-id ...]}) put in front of a delegate's error.
   */
  private static final Pattern POD_TAG =
      Pattern.compile(
          "\\[([^/\\s\\]]{0,63})/([^/\\s\\]:]{1,253})(?:/[^\\]:\\s]{0,64})?(?::[^\\]\\s]{1,128})?"
              + "(?: [^\\]\\[]{0,400})?\\]:? ?");

  /** How a wrapper is recognised once its anchor text has been found. */
  private enum Kind {
    PLAIN,
    GRPC,
    SANDBOX_NETWORK,
    DOCKERSHIM_SANDBOX,
    NETWORK_PLUGIN,
    OLD_KUBELET,
    KUBELET_LOG_POD,
    CRIO_SANDBOX,
    OCICNI,
    LIBCNI,
    CNI_REQUEST,
    HOST_LOCAL_RANGE,
    MULTUS_NETWORK,
    MULTUS_DELEGATE,
    MULTUS_OLD_DELEGATE,
    MULTUS_ERRORED,
    MULTUS_PREFIX,
    NETWORK_READY_CONDITION
  }

  /** A wrapper's anchor: lower-case text that every occurrence of the wrapper starts with. */
  private record Anchor(String text, Kind kind) {}

  private static final Anchor[] ANCHORS = {
    new Anchor("(combined from similar events): ", Kind.PLAIN),
    new Anchor("failed to create pod sandbox: ", Kind.PLAIN),
    new Anchor("failed create pod sandbox: ", Kind.PLAIN),
    new Anchor("runpodsandbox from runtime service failed: ", Kind.PLAIN),
    new Anchor("createpodsandbox for pod ", Kind.KUBELET_LOG_POD),
    new Anchor("rpc error: code = ", Kind.GRPC),
    new Anchor("failed to setup network for sandbox ", Kind.SANDBOX_NETWORK),
    new Anchor("failed to destroy network for sandbox ", Kind.SANDBOX_NETWORK),
    new Anchor("failed to set up sandbox container ", Kind.DOCKERSHIM_SANDBOX),
    new Anchor("networkplugin cni failed to ", Kind.NETWORK_PLUGIN),
    new Anchor("failed to setup network for pod ", Kind.OLD_KUBELET),
    new Anchor("failed to create pod network sandbox ", Kind.CRIO_SANDBOX),
    new Anchor("error adding pod ", Kind.OCICNI),
    new Anchor("plugin type=", Kind.LIBCNI),
    new Anchor("cni request failed with status ", Kind.CNI_REQUEST),
    new Anchor("cmdadd (shim): ", Kind.PLAIN),
    new Anchor("failed to delegate add: ", Kind.PLAIN),
    new Anchor("failed to allocate for range ", Kind.HOST_LOCAL_RANGE),
    new Anchor("add cmd: ", Kind.PLAIN),
    new Anchor("error received from addnetwork grpc call: ", Kind.PLAIN),
    new Anchor("error adding container to network ", Kind.MULTUS_NETWORK),
    new Anchor("delegateadd", Kind.MULTUS_DELEGATE),
    new Anchor("error in invoke delegate add - ", Kind.MULTUS_OLD_DELEGATE),
    new Anchor("error in getting result from addnetwork: ", Kind.PLAIN),
    new Anchor("err in tearing down failed plugins: ", Kind.PLAIN),
    new Anchor("error configuring pod [", Kind.MULTUS_ERRORED),
    new Anchor("multus: ", Kind.MULTUS_PREFIX),
    new Anchor("unable to allocate ip via local cilium agent: ", Kind.PLAIN),
    new Anchor("network is not ready: ", Kind.PLAIN),
    new Anchor("container runtime network not ready: ", Kind.PLAIN),
    new Anchor("runtime network not ready: ", Kind.PLAIN),
    new Anchor("networkready=false reason:", Kind.NETWORK_READY_CONDITION),
    new Anchor("network plugin returns error: ", Kind.PLAIN),
    new Anchor("docker: network plugin is not ready: ", Kind.PLAIN),
    new Anchor("cni config load failed: ", Kind.PLAIN),
    new Anchor("unable to update cni config: ", Kind.PLAIN),
    new Anchor("error adding network: ", Kind.PLAIN),
    new Anchor("error while adding to cni network: ", Kind.PLAIN),
    new Anchor("error while adding to cni lo network: ", Kind.PLAIN),
    new Anchor("netplugin failed: ", Kind.PLAIN),
    new Anchor("failed to call cni.setup: ", Kind.PLAIN),
    new Anchor("ipam invoker add failed with error: ", Kind.PLAIN),
    new Anchor("failed to get ip address from cns with error: ", Kind.PLAIN),
    new Anchor("failed to allocate pool: ", Kind.PLAIN),
    new Anchor("failed to delegate: ", Kind.PLAIN),
  };

  private ErrorChainParser() {}

  /** Parses one message; never throws, and an empty or {@code null} message gives no layers. */
  public static ErrorChain parse(String message) {
    String original = message == null ? "" : message;
    State state = new State();
    String text = original.length() > MAX_CHARS ? original.substring(0, MAX_CHARS) : original;
    text = unwrapLogLine(text, state);
    text = normalize(text);
    text = stripLogHeaders(text);
    text = cutTeardownAggregate(text);
    peel(text, state);
    return state.build(original);
  }

  // ---------------------------------------------------------------------------------------------
  // Log lines

  /**
   * Replaces a logfmt log line by the value of its error field ({@code err=} from kubelet, {@code
   * error=} from containerd, else {@code msg=}), keeping {@code msg} as the outermost layer when
   * both are there, and picks up the pod and sandbox fields on the way.
   */
  private static String unwrapLogLine(String text, State state) {
    String pod = quotedField(text, "pod");
    if (pod != null) {
      int slash = pod.indexOf('/');
      if (slash > 0) {
        state.podNamespace(pod.substring(0, slash));
        state.podName(pod.substring(slash + 1));
      }
    }
    String sandbox = quotedField(text, "podSandboxID");
    if (sandbox != null && !sandbox.isEmpty()) {
      state.sandboxId(sandbox);
    }
    sandboxMetadata(text, state);
    String error = quotedField(text, "err");
    if (error == null) {
      error = quotedField(text, "error");
    }
    String msg = quotedField(text, "msg");
    if (error != null) {
      if (msg != null) {
        String outer = clean(normalize(msg));
        if (!outer.isEmpty()) {
          state.messageLayer = outer;
        }
      }
      return error;
    }
    return msg != null ? msg : text;
  }

  /**
   * The raw (still escaped) value of {@code key="..."} where the key starts the text or follows a
   * space; an unterminated value runs to the end, as in truncated log lines.
   */
  private static String quotedField(String text, String key) {
    String needle = key.concat("=\"");
    int from = 0;
    while (true) {
      int at = text.indexOf(needle, from);
      if (at < 0) {
        return null;
      }
      if (at == 0 || text.charAt(at - 1) == ' ') {
        int start = at + needle.length();
        int i = start;
        while (i < text.length()) {
          char c = text.charAt(i);
          if (c == '\\') {
            i += 2;
            continue;
          }
          if (c == '"') {
            return text.substring(start, i);
          }
          i++;
        }
        return text.substring(start);
      }
      from = at + 1;
    }
  }

  /** Pod name and namespace from containerd's {@code PodSandboxMetadata{Name:..,Namespace:..}}. */
  private static void sandboxMetadata(String text, State state) {
    int at = text.indexOf("PodSandboxMetadata{");
    if (at < 0) {
      return;
    }
    int end = text.indexOf('}', at);
    if (end < 0) {
      return;
    }
    String body = text.substring(at + "PodSandboxMetadata{".length(), end);
    for (String field : body.split(",")) {
      if (field.startsWith("Name:")) {
        state.podName(field.substring("Name:".length()));
      } else if (field.startsWith("Namespace:")) {
        state.podNamespace(field.substring("Namespace:".length()));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Normalisation

  /**
   * Unescapes quotes ({@code \"}, {@code \\\"}, ... become {@code "}) and turns every run of
   * whitespace or control characters into one space, so that messages copied from JSON, logfmt or
   * wrapped terminal output read the same.
   */
  static String normalize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean pendingSpace = false;
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        int j = i;
        while (j < length && text.charAt(j) == '\\') {
          j++;
        }
        if (j < length && text.charAt(j) == '"') {
          c = '"';
          i = j;
        } else {
          if (pendingSpace && out.length() > 0) {
            out.append(' ');
          }
          pendingSpace = false;
          out.append(text, i, j);
          i = j - 1;
          continue;
        }
      }
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        pendingSpace = true;
        continue;
      }
      if (pendingSpace && out.length() > 0) {
        out.append(' ');
      }
      pendingSpace = false;
      out.append(c);
    }
    return out.toString();
  }

  private static String stripLogHeaders(String text) {
    int start = 0;
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (Pattern header : LOG_HEADERS) {
        Matcher m = match(header, text, start);
        if (m != null) {
          start = m.end();
          stripped = true;
        }
      }
    }
    return text.substring(start);
  }

  /**
   * dockershim joined the set-up error and the teardown error that followed it into {@code [a,
   * failed to clean up sandbox container ...]}; only the set-up error is the cause.
   */
  private static String cutTeardownAggregate(String text) {
    int at = lowerSameLength(text).indexOf(TEARDOWN_AGGREGATE);
    return at > 0 ? text.substring(0, at) : text;
  }

  // ---------------------------------------------------------------------------------------------
  // Peeling

  private static void peel(String text, State state) {
    // Lower-casing can change the length for a few exotic characters; keep offsets aligned.
    String lower = lowerSameLength(text);
    int[] next = new int[ANCHORS.length];
    java.util.Arrays.fill(next, -2);
    int position = 0;
    boolean beforeFirstWrapper = true;
    if (state.messageLayer != null) {
      state.layers.add(state.messageLayer);
    }
    while (position < text.length()) {
      Found found = nextWrapper(text, lower, position, next, state);
      if (found == null) {
        break;
      }
      if (!beforeFirstWrapper && found.start > position) {
        addLayer(state, text.substring(position, found.start));
      }
      beforeFirstWrapper = false;
      state.layers.add(found.layer);
      position = consumePodTags(text, found.end, state);
    }
    String innermost = clean(text.substring(Math.min(position, text.length())));
    if (!innermost.isEmpty()) {
      state.layers.add(innermost);
    }
    state.innermost = innermost;
  }

  private static String lowerSameLength(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.length() == text.length()) {
      return lower;
    }
    char[] chars = text.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      chars[i] = Character.toLowerCase(chars[i]);
    }
    return new String(chars);
  }

  private record Found(int start, int end, String layer) {}

  /**
   * The earliest wrapper at or after {@code position}; ties go to the longer anchor. {@code next}
   * caches each anchor's next occurrence so that no anchor rescans text it has already passed.
   */
  private static Found nextWrapper(
      String text, String lower, int position, int[] next, State state) {
    while (true) {
      int best = -1;
      for (int i = 0; i < ANCHORS.length; i++) {
        if (next[i] == -1) {
          continue;
        }
        if (next[i] < position) {
          next[i] = lower.indexOf(ANCHORS[i].text(), position);
          if (next[i] == -1) {
            continue;
          }
        }
        if (best < 0
            || next[i] < next[best]
            || (next[i] == next[best]
                && ANCHORS[i].text().length() > ANCHORS[best].text().length())) {
          best = i;
        }
      }
      if (best < 0) {
        return null;
      }
      int start = next[best];
      Found found = consume(ANCHORS[best], text, start, state);
      if (found != null) {
        return found;
      }
      next[best] = lower.indexOf(ANCHORS[best].text(), start + 1);
    }
  }

  /** Checks the wrapper at {@code start} and records what it carries; null if it is not one. */
  private static Found consume(Anchor anchor, String text, int start, State state) {
    int anchorEnd = start + anchor.text().length();
    switch (anchor.kind()) {
      case PLAIN:
        return new Found(start, anchorEnd, layerText(text, start, anchorEnd));
      case MULTUS_PREFIX:
        return new Found(start, anchorEnd, "Multus");
      case GRPC:
        {
          Matcher m = match(GRPC, text, start);
          if (m == null) {
            return null;
          }
          state.grpcCode(m.group(1));
          return new Found(start, m.end(), layerText(text, start, m.end(1)));
        }
      case SANDBOX_NETWORK:
        {
          Matcher m = match(SANDBOX_NETWORK, text, start);
          if (m == null) {
            return null;
          }
          String id = firstNonNull(m.group(2), m.group(3), m.group(4));
          state.sandboxId(id);
          state.defaultOperation("setup".equalsIgnoreCase(m.group(1)) ? "add" : "delete");
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case DOCKERSHIM_SANDBOX:
        {
          Matcher m = match(DOCKERSHIM_SANDBOX, text, start);
          if (m == null) {
            return new Found(start, anchorEnd, layerText(text, start, anchorEnd));
          }
          state.sandboxId(m.group(1));
          state.podName(m.group(2));
          state.defaultOperation("add");
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case NETWORK_PLUGIN:
        {
          Matcher m = match(NETWORK_PLUGIN, text, start);
          if (m == null) {
            return null;
          }
          state.podNameAndNamespace(m.group(2));
          state.defaultOperation("set up".equalsIgnoreCase(m.group(1)) ? "add" : "delete");
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case OLD_KUBELET:
        {
          Matcher m = match(OLD_KUBELET, text, start);
          if (m == null) {
            return null;
          }
          state.podNameAndNamespace(stripUid(firstNonNull(m.group(1), m.group(2))));
          state.defaultOperation("add");
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case KUBELET_LOG_POD:
        {
          Matcher m = match(KUBELET_LOG_POD, text, start);
          if (m == null) {
            return null;
          }
          state.podNameAndNamespace(stripUid(m.group(1)));
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case CRIO_SANDBOX:
        {
          Matcher m = match(CRIO_SANDBOX, text, start);
          if (m == null) {
            // Docs elide the sandbox name ("failed to create pod network sandbox ... error");
            // the wrapper is still a wrapper.
            return new Found(start, anchorEnd, layerText(text, start, anchorEnd));
          }
          state.podName(m.group(1));
          state.podNamespace(m.group(2));
          state.sandboxId(m.group(5));
          state.defaultOperation("add");
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case OCICNI:
        {
          Matcher m = match(OCICNI, text, start);
          if (m == null) {
            return null;
          }
          state.podNamespace(m.group(1));
          state.podName(m.group(2));
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case LIBCNI:
        {
          Matcher m = match(LIBCNI, text, start);
          if (m == null) {
            return null;
          }
          state.plugin(m.group(1), m.group(2));
          String operation = m.group(3).toLowerCase(Locale.ROOT);
          state.operation = "del".equals(operation) ? "delete" : operation;
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case CNI_REQUEST:
        {
          Matcher m = match(CNI_REQUEST, text, start);
          if (m == null) {
            return null;
          }
          state.cniStatus(Integer.parseInt(m.group(1)));
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case HOST_LOCAL_RANGE:
        {
          Matcher m = match(HOST_LOCAL_RANGE, text, start);
          return m == null ? null : new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case MULTUS_NETWORK:
        {
          Matcher m = match(MULTUS_NETWORK, text, start);
          return m == null ? null : new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case MULTUS_DELEGATE:
      case MULTUS_OLD_DELEGATE:
        {
          Pattern pattern =
              anchor.kind() == Kind.MULTUS_DELEGATE ? MULTUS_DELEGATE : MULTUS_OLD_DELEGATE;
          Matcher m = match(pattern, text, start);
          if (m == null) {
            return null;
          }
          state.plugin(m.group(1), null);
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case MULTUS_ERRORED:
        {
          Matcher m = match(MULTUS_ERRORED, text, start);
          if (m == null) {
            return null;
          }
          state.podNamespace(m.group(1));
          state.podName(m.group(2));
          return new Found(start, m.end(), layerText(text, start, m.end()));
        }
      case NETWORK_READY_CONDITION:
        {
          Matcher m = match(NETWORK_READY_CONDITION, text, start);
          return m == null ? null : new Found(start, m.end(), layerText(text, start, m.end()));
        }
      default:
        return null;
    }
  }

  private static Matcher match(Pattern pattern, String text, int start) {
    Matcher m = pattern.matcher(text);
    m.region(start, text.length());
    return m.lookingAt() ? m : null;
  }

  /** Pod tags right after a wrapper become layers of their own and name the pod. */
  private static int consumePodTags(String text, int position, State state) {
    int at = position;
    while (at < text.length()) {
      int start = at;
      while (start < text.length() && text.charAt(start) == ' ') {
        start++;
      }
      if (start >= text.length() || text.charAt(start) != '[') {
        return at;
      }
      Matcher m = match(POD_TAG, text, start);
      if (m == null) {
        return at;
      }
      if (!m.group(1).isEmpty()) {
        state.podNamespace(m.group(1));
      }
      state.podName(m.group(2));
      state.layers.add(layerText(text, start, m.end()));
      at = m.end();
    }
    return at;
  }

  private static String layerText(String text, int start, int end) {
    String layer = text.substring(start, end).strip();
    while (layer.endsWith(":") || layer.endsWith("'") || layer.endsWith("[")) {
      layer = layer.substring(0, layer.length() - 1).strip();
    }
    return layer;
  }

  private static void addLayer(State state, String raw) {
    String layer = clean(raw);
    if (!layer.isEmpty()) {
      state.layers.add(layer);
    }
  }

  private static String stripUid(String pod) {
    int paren = pod.indexOf('(');
    return paren > 0 ? pod.substring(0, paren) : pod;
  }

  private static String firstNonNull(String... values) {
    for (String value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Cleaning

  /**
   * Trims the quoting and punctuation that wrappers leave around an error: unbalanced quotes and
   * brackets, a quoted whole, trailing {@code .,;:}, a literal {@code \\n} from plugin stderr, the
   * old kubelet's {@code ; Skipping pod} and go-cni's trailing {@code : failed to load cni config}
   * sentinel. Linear: the quote and bracket counts are kept up to date instead of recounted.
   */
  static String clean(String raw) {
    int start = 0;
    int end = raw.length();
    int doubleQuotes = count(raw, '"');
    int singleQuotes = count(raw, '\'');
    int opening = count(raw, '[');
    int closing = count(raw, ']');
    boolean changed = true;
    while (changed && start < end) {
      changed = false;
      while (start < end && Character.isWhitespace(raw.charAt(start))) {
        start++;
      }
      while (end > start && Character.isWhitespace(raw.charAt(end - 1))) {
        end--;
      }
      if (start >= end) {
        break;
      }
      int suffix = removableSuffix(raw, start, end);
      if (suffix > 0) {
        end -= suffix;
        changed = true;
        continue;
      }
      char first = raw.charAt(start);
      char last = raw.charAt(end - 1);
      if (end - start >= 2 && first == last && (first == '"' || first == '\'')) {
        int quotes = first == '"' ? doubleQuotes : singleQuotes;
        if (quotes == 2) {
          start++;
          end--;
          if (first == '"') {
            doubleQuotes -= 2;
          } else {
            singleQuotes -= 2;
          }
          changed = true;
          continue;
        }
      }
      if ((first == '"' && isOdd(doubleQuotes))
          || (first == '\'' && isOdd(singleQuotes))
          || (first == '[' && opening > closing)
          || first == ':'
          || first == ','
          || first == ';'
          || first == '.'
          || first == '\u2026') {
        doubleQuotes -= first == '"' ? 1 : 0;
        singleQuotes -= first == '\'' ? 1 : 0;
        opening -= first == '[' ? 1 : 0;
        start++;
        changed = true;
        continue;
      }
      if ((last == '"' && isOdd(doubleQuotes))
          || (last == '\'' && isOdd(singleQuotes))
          || (last == ']' && closing > opening)
          || last == '.'
          || last == ','
          || last == ';'
          || last == ':') {
        doubleQuotes -= last == '"' ? 1 : 0;
        singleQuotes -= last == '\'' ? 1 : 0;
        closing -= last == ']' ? 1 : 0;
        end--;
        changed = true;
      }
    }
    return start >= end ? "" : raw.substring(start, end);
  }

  /**
   * Length of a noise suffix ending at {@code end}, or 0; none of them holds quotes or brackets.
   */
  private static int removableSuffix(String raw, int start, int end) {
    for (String suffix : new String[] {GO_CNI_LOAD_SUFFIX, SKIPPING_POD_SUFFIX, "\\n"}) {
      int length = suffix.length();
      if (end - start > length && raw.regionMatches(true, end - length, suffix, 0, length)) {
        return length;
      }
    }
    return 0;
  }

  private static int count(String s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  private static boolean isOdd(int n) {
    return (n & 1) == 1;
  }

  // ---------------------------------------------------------------------------------------------

  /** What the peeling has found so far; the first value seen wins unless stated otherwise. */
  private static final class State {
    final List<String> layers = new ArrayList<>();
    String messageLayer;
    String sandboxId;
    String podNamespace;
    String podName;
    String plugin;
    String pluginName;
    String operation;
    String defaultOperation;
    Integer cniStatus;
    String grpcCode;
    String innermost = "";

    void sandboxId(String id) {
      if (sandboxId == null && id != null && !id.isEmpty()) {
        sandboxId = id;
      }
    }

    void podNamespace(String namespace) {
      if (podNamespace == null && isObjectName(namespace)) {
        podNamespace = namespace;
      }
    }

    void podName(String name) {
      if (podName == null && isObjectName(name)) {
        podName = name;
      }
    }

    /** Placeholders such as {@code <pod>} or a stray backslash are not names. */
    private static boolean isObjectName(String value) {
      return value != null && OBJECT_NAME.matcher(value).matches();
    }

    /** kubelet writes {@code <name>_<namespace>}; neither part may contain an underscore. */
    void podNameAndNamespace(String value) {
      int underscore = value.indexOf('_');
      if (underscore > 0) {
        podName(value.substring(0, underscore));
        podNamespace(value.substring(underscore + 1));
      } else {
        podName(value);
      }
    }

    /** The innermost plugin wins: it is the one whose error the chain ends in. */
    void plugin(String type, String name) {
      plugin = type;
      pluginName = name;
    }

    void defaultOperation(String value) {
      if (defaultOperation == null) {
        defaultOperation = value;
      }
    }

    void cniStatus(int status) {
      if (cniStatus == null) {
        cniStatus = status;
      }
    }

    void grpcCode(String code) {
      if (grpcCode == null) {
        grpcCode = code;
      }
    }

    ErrorChain build(String original) {
      return new ErrorChain(
          original,
          layers,
          sandboxId,
          podNamespace,
          podName,
          plugin,
          pluginName,
          operation != null ? operation : defaultOperation,
          cniStatus,
          grpcCode,
          innermost);
    }
  }
}
