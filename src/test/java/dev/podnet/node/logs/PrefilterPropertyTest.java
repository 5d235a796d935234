package dev.podnet.node.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.classify.CatalogRule;
import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.Explanation;
import dev.podnet.classify.RulePattern;
import dev.podnet.model.RootCause;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The byte-level prefilter never drops a line the catalog would classify: seeded random mixes of
 * every catalog pattern, in the wrappers and log formats of kubelet, containerd, CRI-O and Calico,
 * with random case and whitespace, between noise and binary garbage. The seed is printed and can be
 * replayed with {@code -Dpodnet.seed=N}.
 */
class PrefilterPropertyTest {

  private static final CauseCatalog CATALOG = CauseCatalog.load();

  /** One text for every regex pattern of the catalog; each must match its regex. */
  private static final Map<String, String> REGEX_SAMPLES =
      Map.ofEntries(
          Map.entry(
              "failed to request (\\d+ )?IPv[46] addresses", "failed to request 1 IPv4 addresses"),
          Map.entry(
              "Assigned \\d+ out of \\d+ requested IPv[46] addresses",
              "Assigned 0 out of 1 requested IPv6 addresses; No more free affine blocks"),
          Map.entry("failed to allocate (an )?ip\\b", "failed to allocate an IP for pod"),
          Map.entry(
              "no net configuration with name \\\"[^\\\"]*\\\" in",
              "no net configuration with name \"k8s-pod-network\" in /etc/cni/net.d"),
          Map.entry("^unauthorized$", "Unauthorized"),
          Map.entry(
              "dial tcp [0-9.]+:443: (i/o timeout|connect: connection refused|connect: no route to host)",
              "Get \"https://10.96.0.1:443/api/v1/namespaces\": dial tcp 10.96.0.1:443: i/o timeout"),
          Map.entry("allocator \\S+ full", "allocator 10.0.0.0/8 full"),
          Map.entry(
              "since allocator for \\S+ addresses does not exist",
              "unable to allocate since allocator for ipv6 addresses does not exist"),
          Map.entry(
              "\\b[0-9a-f.:]+ not in range set\\b",
              "requested 10.85.3.7 not in range set 10.85.0.0/24"),
          Map.entry(
              "prog section '[^']*' rejected",
              "prog section 'from-container' rejected: Permission denied"),
          Map.entry("failed to set (the )?mtu", "failed to set the MTU on eth0"),
          Map.entry(
              "mtu .{0,40}(bigger|larger) than", "MTU of 9001 on veth1 is larger than the parent"),
          Map.entry(
              "failed to statfs \\\"/proc/\\d+/ns/net\\\"",
              "failed to statfs \"/proc/4711/ns/net\": no such file or directory"));

  private static final String[] NOISE_WORDS = {
    "SyncLoop",
    "UPDATE",
    "pod",
    "volume",
    "mount",
    "image",
    "pulled",
    "probe",
    "ready",
    "sync",
    "container",
    "started",
    "kube-api-access",
    "operationExecutor",
    "reconciler",
    "eviction",
    "manager",
    "status",
    "event",
    "PLEG",
    "ContainerStarted",
    "network",
    "sandbox",
    "cni",
    "the"
  };

  @Test
  void prefilterNeverDropsALineTheCatalogClassifies() throws IOException {
    long seed = Long.getLong("podnet.seed", System.nanoTime());
    System.out.println(
        "PrefilterPropertyTest seed " + seed + " (replay: -Dpodnet.seed=" + seed + ")");
    Random random = new Random(seed);
    Prefilter prefilter = Prefilter.forCatalog(CATALOG);
    assertThat(prefilter.everyLine()).as("every catalog pattern has an anchor").isFalse();

    List<String> samples = samples();
    List<byte[]> lines = new ArrayList<>();
    Set<String> rulesSeen = new HashSet<>();
    int classified = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] line;
      int kind = random.nextInt(10);
      if (kind < 6) {
        String message = mutate(samples.get(random.nextInt(samples.size())), random);
        line = wrap(message, random).getBytes(StandardCharsets.UTF_8);
      } else if (kind < 9) {
        line = noise(random).getBytes(StandardCharsets.UTF_8);
      } else {
        line = garbage(random);
      }
      lines.add(line);
      String text = new String(line, StandardCharsets.UTF_8);
      Explanation explanation = CATALOG.explain(text);
      boolean passes = prefilter.find(line, 0, line.length) >= 0;
      if (explanation.cause() != RootCause.UNKNOWN) {
        classified++;
        rulesSeen.add(explanation.ruleId());
        assertThat(passes)
            .as(
                "seed %d: rule %s classifies a line the prefilter drops: %s",
                seed, explanation.ruleId(), text)
            .isTrue();
      }
      if (LogScanner.looksLikeFailure(text)) {
        assertThat(passes).as("seed %d: context line dropped: %s", seed, text).isTrue();
      }
    }
    assertThat(classified).as("seed %d: classified lines", seed).isGreaterThan(5_000);
    Set<String> allRules = new HashSet<>();
    for (CatalogRule rule : CATALOG.rules()) {
      allRules.add(rule.id());
    }
    assertThat(rulesSeen).as("seed %d: every rule was exercised", seed).isEqualTo(allRules);

    assertScannerAgreesWithLineByLineClassification(lines, seed);
  }

  /**
   * The whole scanner (chunks, threads, cache) counts exactly what classifying every line one by
   * one counts; this also proves the cache key never merges lines the catalog tells apart.
   */
  private static void assertScannerAgreesWithLineByLineClassification(List<byte[]> lines, long seed)
      throws IOException {
    Map<RootCause, Long> expected = new EnumMap<>(RootCause.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      out.write(line);
      out.write('\n');
      String text = new String(line, StandardCharsets.UTF_8);
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      RootCause cause = CATALOG.explain(text).cause();
      if (cause != RootCause.UNKNOWN || LogScanner.looksLikeFailure(text)) {
        expected.merge(cause, 1L, Long::sum);
      }
    }
    LogSummary summary =
        LogScanner.scan(new ByteArrayInputStream(out.toByteArray()), "mix", ScanOptions.DEFAULTS);
    Map<RootCause, Long> actual = new EnumMap<>(RootCause.class);
    for (CauseSummary cause : summary.causes()) {
      actual.put(cause.cause(), cause.count());
    }
    assertThat(actual).as("seed %d: per-cause counts", seed).isEqualTo(expected);
    assertThat(summary.lines()).isEqualTo(lines.size());
  }

  @Test
  void everyRegexOfTheCatalogHasASampleThatItMatches() {
    for (CatalogRule rule : CATALOG.rules()) {
      for (RulePattern pattern : rule.patterns()) {
        if (pattern.kind() == RulePattern.Kind.REGEX) {
          String regex = pattern.terms().get(0);
          assertThat(REGEX_SAMPLES).as("sample for %s (%s)", regex, rule.id()).containsKey(regex);
          assertThat(CATALOG.explain(REGEX_SAMPLES.get(regex)).cause())
              .as("sample of %s", regex)
              .isNotEqualTo(RootCause.UNKNOWN);
        }
      }
    }
  }

  @Test
  void anchorsAreLongEnoughToSkipAndNoneIsCommonChatter() {
    Prefilter prefilter = Prefilter.forCatalog(CATALOG);
    for (String anchor : prefilter.anchors()) {
      assertThat(anchor.length()).as(anchor).isGreaterThanOrEqualTo(7);
    }
    byte[] chatter =
        ("Nov 20 09:35:02 w kubelet[1]: I1120 09:35:02.1 1 prober.go:107] \"Probe failed\""
                + " probeType=\"Readiness\" pod=\"default/web\" containerName=\"app\""
                + " output=\"Get \\\"http://10.244.3.17:8080/healthz\\\": dial tcp"
                + " 10.244.3.17:8080: connect: connection refused\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(prefilter.find(chatter, 0, chatter.length)).isEqualTo(-1);
  }

  // ---------------------------------------------------------------------------------------------

  private static List<String> samples() {
    List<String> samples = new ArrayList<>();
    for (CatalogRule rule : CATALOG.rules()) {
      for (RulePattern pattern : rule.patterns()) {
        switch (pattern.kind()) {
          case LITERAL -> samples.add(pattern.terms().get(0));
          case ALL -> samples.add(String.join(" while ", pattern.terms()));
          case REGEX -> samples.add(REGEX_SAMPLES.getOrDefault(pattern.terms().get(0), "?"));
        }
      }
    }
    return samples;
  }

  /** Random case, and now and then a tab for a space (the catalog normalises whitespace). */
  private static String mutate(String message, Random random) {
    StringBuilder out = new StringBuilder(message.length());
    int mode = random.nextInt(4);
    for (char c : message.toCharArray()) {
      if (mode == 1) {
        c = Character.toUpperCase(c);
      } else if (mode == 2 && random.nextBoolean()) {
        c = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
      }
      if (c == ' ' && mode == 3 && random.nextInt(8) == 0) {
        c = '\t';
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String wrap(String message, Random random) {
    String id = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
    String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
    String plugin =
        "plugin type=\\\"" + (random.nextBoolean() ? "calico" : "bridge") + "\\\" failed (add): ";
    return switch (random.nextInt(7)) {
      case 0 ->
          "Nov 20 09:35:02 worker-1 kubelet[1187]: E1120 09:35:02.412311 1187 log.go:32]"
              + " \"RunPodSandbox from runtime service failed\" err=\"rpc error: code = Unknown desc ="
              + " failed to setup network for sandbox \\\""
              + id
              + "\\\": "
              + plugin
              + escaped
              + "\"";
      case 1 ->
          "2026-11-20T09:35:02+0000 worker-1 containerd[812]: time=\"2026-11-20T09:35:02.4Z\""
              + " level=error msg=\"RunPodSandbox for &PodSandboxMetadata{Name:web-1,Uid:u,Namespace:d,"
              + "Attempt:0,} failed, error\" error=\"failed to setup network for sandbox \\\""
              + id
              + "\\\": "
              + escaped
              + "\"";
      case 2 -> message;
      case 3 -> "2024-06-23T18:22:34.66+03:00 stderr F [ERROR][4035329] plugin.go 121: " + message;
      case 4 ->
          "Nov 20 09:35:02 worker-1 crio[900]: time=\"2026-11-20 09:35:02.1+00:00\""
              + " level=error msg=\"Error adding pod default_web-1 to CNI network \\\"k8s-pod-network\\\": "
              + escaped
              + "\"";
      case 5 ->
          "E1120 09:35:02.412311 1187 pod_workers.go:1298] \"Error syncing pod, skipping\""
              + " err=\"failed to \\\"CreatePodSandbox\\\" for \\\"web_default("
              + id
              + ")\\\" with"
              + " CreatePodSandboxError: \\\"Failed to create sandbox for pod: rpc error: code = Unknown"
              + " desc = "
              + escaped.replace("\\", "\\\\").replace("\"", "\\\"")
              + "\\\"\" pod=\"default/web\"";
      default -> noise(random) + " " + message + " " + noise(random);
    };
  }

  private static String noise(Random random) {
    StringBuilder out =
        new StringBuilder("Nov 20 09:35:02 worker-2 kubelet[1187]: I1120 09:35:02.1 1 x.go:1] ");
    int words = 1 + random.nextInt(20);
    for (int i = 0; i < words; i++) {
      out.append(NOISE_WORDS[random.nextInt(NOISE_WORDS.length)])
          .append(random.nextBoolean() ? ' ' : '=');
    }
    return out.toString();
  }

  private static byte[] garbage(Random random) {
    byte[] bytes = new byte[1 + random.nextInt(400)];
    random.nextBytes(bytes);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        bytes[i] = ' ';
      }
    }
    return bytes;
  }
}
