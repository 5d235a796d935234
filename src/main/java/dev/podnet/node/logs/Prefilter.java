package dev.podnet.node.logs;

import dev.podnet.classify.CatalogRule;
import dev.podnet.classify.CauseCatalog;
import dev.podnet.classify.RulePattern;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The byte-level test that decides which log lines are worth decoding: a line is a candidate when
 * it contains one of a set of anchor words, compared ASCII-case-insensitively.
 *
 * <p>The anchors are derived from the catalog itself, one set per rule pattern, plus the context
 * words of the runtimes' sandbox and CNI wrappers ({@link #CONTEXT_WORDS}) so that failures the
 * catalog does not know are still counted as {@code unknown}. An anchor is always a run of "safe"
 * characters (ASCII letters, digits and {@code / . _ - : '}) taken from a literal that every match
 * of the pattern must contain. The classifier only ever removes backslashes before a quote, turns
 * whitespace and control-character runs into one space, cuts substrings and lower-cases; none of
 * that can create or join a run of safe characters, so a line the catalog classifies always
 * contains the anchor's bytes. Two Unicode letters are the only exceptions: {@code U+212A} (Kelvin
 * sign) lower-cases to {@code k} and {@code U+0130} to {@code i}, which a byte comparison does not
 * see; no runtime prints them in its own error texts.
 *
 * <p>The search samples: it reads one four-byte gram every four bytes, sets bit 5 of each byte
 * (capitals become small letters; see {@link #loose}) and tests a bit set of the grams the anchors
 * have at those offsets. An anchor of seven bytes or more always holds one sampled gram whole, at
 * one of four consecutive offsets, so each anchor registers the four grams of its rarest seven-byte
 * window (with every byte that folds to a space where it has a space). A set bit for a gram that
 * only anchors of {@value #PAIRED} bytes or more have is checked once more, with the four bytes
 * after it, against the eight-byte pairs those anchors have there (host names like "worker-7" share
 * "work" with "network", not "work" with the bytes after it). Only then is the gram looked up and
 * are the anchors that have it compared, byte by byte. Unlike a skip loop (Wu–Manber, tried
 * before), no load waits for the one before it, so the processor overlaps them; and the samples fit
 * into the newline-counting pass over 8-byte words, so each byte is read once.
 */
final class Prefilter {

  /** Words of the wrappers kubelet, containerd and CRI-O put around every sandbox/CNI failure. */
  static final List<String> CONTEXT_WORDS =
      List.of(
          "podsandbox", // RunPodSandbox, CreatePodSandbox, StopPodSandbox (kubelet, containerd)
          "network for sandbox", // containerd: failed to setup/destroy network for sandbox
          "pod network sandbox", // CRI-O: failed to create pod network sandbox
          "network for pod", // dockershim, old kubelet
          "networkplugin", // NetworkPluginNotReady, NetworkPlugin cni failed
          "network plugin", // kubelet: network plugin is not ready, Network plugin returns error
          "cni network", // CRI-O/ocicni: error adding pod ... to CNI network
          "adding network", // CRI-O: Error adding network
          "network not ready", // kubelet: container runtime network not ready
          "networknotready", // kubelet event reason
          "network is not ready", // kubelet: network is not ready
          "cni config", // go-cni, dockershim: cni config load failed, Unable to update cni config
          "cni plugin", // go-cni: cni plugin not initialized
          "failed to load cni"); // containerd: failed to load cni during init

  /** Words too common in ordinary log chatter to make a useful anchor when a rarer one exists. */
  private static final Set<String> COMMON =
      Set.of(
          "failed",
          "error",
          "the",
          "found",
          "create",
          "creating",
          "connection",
          "refused",
          "available",
          "invalid",
          "allocate",
          "address",
          "addresses",
          "file",
          "exists",
          "for",
          "from",
          "not",
          "set",
          "load",
          "find",
          "with",
          "name",
          "timeout",
          "unable",
          "connect",
          "add",
          "pool",
          "pools",
          "requested",
          "request",
          "range",
          "into",
          "could",
          "cannot",
          "pod",
          "container",
          "config",
          "plugin",
          "interface",
          "block",
          "make",
          "missing",
          "empty",
          "full",
          "namespace",
          "endpoint",
          "list",
          "read",
          "parse",
          "default");

  private static final int SHORT = 10;

  /** Bytes per sampled gram: one little-endian {@code int} of the input. */
  static final int GRAM = 4;

  /**
   * The sampling stride of the fast path: with anchors of at least {@code 2 * GRAM - 1} bytes, a
   * gram read every {@code GRAM} bytes always lands wholly inside any occurrence.
   */
  static final int STRIDE = 4;

  private static final int HASH_MULTIPLIER = 0x9E3779B1;
  private static final byte[] FOLD = new byte[256];

  /** Every byte that {@link #FOLD} makes a space: the gram fold leaves them as they are. */
  private static final byte[] SPACE_VARIANTS;

  static {
    for (int i = 0; i < 256; i++) {
      FOLD[i] = (byte) (i >= 'A' && i <= 'Z' ? i + 32 : i);
    }
    // A space in a phrase anchor stands for any one whitespace or control byte except newline.
    for (int i = 0; i < 0x20; i++) {
      FOLD[i] = ' ';
    }
    FOLD[0x7f] = ' ';
    FOLD['\n'] = '\n';
    java.util.TreeSet<Integer> variants = new java.util.TreeSet<>();
    for (int i = 0; i < 256; i++) {
      if (FOLD[i] == ' ') {
        variants.add(i);
      }
    }
    SPACE_VARIANTS = new byte[variants.size()];
    int k = 0;
    for (int variant : variants) {
      SPACE_VARIANTS[k++] = (byte) variant;
    }
  }

  private final List<String> anchors;
  private final boolean everyLine;
  private final int minLength;

  /** Bytes per gram: {@link #GRAM}, or the shortest anchor's length when that is shorter. */
  private final int gram;

  /** Distance between sampled grams; {@link #STRIDE} on the fast path. */
  private final int stride;

  private final int gramMask;
  private final byte[][] patterns;

  /** Bit set over hashed grams: clear means no anchor has that gram where it is sampled. */
  private final long[] bitmap;

  private final int hashShift;

  /** Open addressing from a folded gram to its entries; {@code slotGrams} holds the gram. */
  private final int[] slotGrams;

  private final int[] slotFirst;
  private final int[] slotCount;
  private final int slotMask;

  /** Entry k: anchor {@code entryAnchor[k]} has the gram at offset {@code entryOffset[k]}. */
  private final int[] entryAnchor;

  private final int[] entryOffset;

  /**
   * Second stage for anchors of {@value #PAIRED} bytes or more (sampled path only): the bit set of
   * their grams together with the four bytes after them. A gram that passes {@link #bitmap} only
   * through a long anchor is compared against the anchors only when its eight bytes pass here too;
   * this keeps "work" of every "worker-7" host name from reaching the comparison for "network".
   */
  private final long[] pairBitmap;

  /** Bit set over the grams of the shorter anchors: those pass without the pair check. */
  private final long[] shortBitmap;

  /**
   * Bytes of an anchor that can carry a sampled pair: a gram, the next gram, three offsets more.
   */
  static final int PAIRED = 2 * GRAM + STRIDE - 1;

  private Prefilter(List<String> anchors, boolean everyLine) {
    this.anchors = List.copyOf(anchors);
    this.everyLine = everyLine;
    int min = Integer.MAX_VALUE;
    for (String anchor : anchors) {
      min = Math.min(min, anchor.length());
    }
    this.minLength = everyLine || anchors.isEmpty() ? 0 : min;
    this.gram = Math.max(1, Math.min(GRAM, minLength));
    this.stride = Math.max(1, Math.min(STRIDE, minLength - gram + 1));
    this.gramMask = gram == 4 ? -1 : (1 << (8 * gram)) - 1;
    this.patterns = new byte[anchors.size()][];
    // One long per (gram, anchor, offset), gram in the high half; sorted, equal grams are adjacent.
    long[] packed = new long[64];
    int count = 0;
    boolean paired = gram == GRAM && stride == STRIDE;
    List<Long> pairs = new ArrayList<>();
    List<Integer> shortGrams = new ArrayList<>();
    for (int a = 0; a < anchors.size(); a++) {
      byte[] bytes = anchors.get(a).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
      patterns[a] = bytes;
      if (everyLine) {
        continue;
      }
      // Any `stride` consecutive gram offsets contain the one a sample lands on; take the rarest.
      // A long anchor keeps four bytes after its window, for the pair that follows each gram.
      boolean longAnchor = paired && bytes.length >= PAIRED;
      int window =
          rarestWindow(
              longAnchor ? java.util.Arrays.copyOf(bytes, bytes.length - GRAM) : bytes,
              gram,
              stride);
      for (int offset = window; offset < window + stride; offset++) {
        if (longAnchor) {
          pairs.add(pairOf(bytes, offset));
        }
        int[] variants = gramVariants(bytes, offset, gram);
        if (!longAnchor) {
          for (int folded : variants) {
            shortGrams.add(folded);
          }
        }
        if (count + variants.length > packed.length) {
          packed =
              java.util.Arrays.copyOf(packed, Math.max(packed.length * 2, count + variants.length));
        }
        for (int folded : variants) {
          packed[count++] = (long) folded << 32 | (long) a << 16 | offset;
        }
      }
    }
    java.util.Arrays.sort(packed, 0, count);
    int distinct = 0;
    for (int k = 0; k < count; k++) {
      if (k == 0 || packed[k] >>> 32 != packed[k - 1] >>> 32) {
        distinct++;
      }
    }
    // About 32 bits per gram keeps a random gram's chance to pass near 3%; at least 32 Kib, at
    // most 256 Kib (32 KiB: the bit set stays in the first-level cache).
    int bits = Integer.highestOneBit(Math.max(1, distinct) * 32 - 1) << 1;
    bits = Math.max(1 << 15, Math.min(1 << 18, bits));
    this.bitmap = new long[bits >>> 6];
    this.hashShift = 32 - Integer.numberOfTrailingZeros(bits);
    int slots = Integer.highestOneBit(Math.max(1, distinct) * 2 - 1) << 1;
    this.slotGrams = new int[slots];
    this.slotFirst = new int[slots];
    this.slotCount = new int[slots];
    this.slotMask = slots - 1;
    this.pairBitmap = new long[paired ? bits >>> 6 : 0];
    for (long pair : pairs) {
      int hash = pairHash(pair);
      pairBitmap[hash >>> 6] |= 1L << hash;
    }
    this.shortBitmap = new long[paired ? bits >>> 6 : 0];
    for (int folded : shortGrams) {
      int hash = hash(folded);
      shortBitmap[hash >>> 6] |= 1L << hash;
    }
    this.entryAnchor = new int[count];
    this.entryOffset = new int[count];
    int slot = -1;
    for (int k = 0; k < count; k++) {
      int folded = (int) (packed[k] >>> 32);
      if (k == 0 || folded != (int) (packed[k - 1] >>> 32)) {
        int loose = hash(loose(folded));
        bitmap[loose >>> 6] |= 1L << loose;
        slot = hash(folded) & slotMask;
        while (slotCount[slot] != 0) {
          slot = (slot + 1) & slotMask;
        }
        slotGrams[slot] = folded;
        slotFirst[slot] = k;
      }
      slotCount[slot]++;
      entryAnchor[k] = (int) (packed[k] >>> 16 & 0xffff);
      entryOffset[k] = (int) (packed[k] & 0xffff);
    }
  }

  /**
   * Every value that {@code gram} input bytes, read as a little-endian int and folded by {@link
   * #foldCase}, can have where they fold to the anchor's bytes at {@code offset}: one for a letter
   * (its lower case), one for any other byte, and one for each byte that folds to a space.
   */
  private static int[] gramVariants(byte[] anchor, int offset, int gram) {
    int[] values = {0};
    for (int k = 0; k < gram; k++) {
      byte b = anchor[offset + k];
      byte[] options = b == ' ' ? SPACE_VARIANTS : new byte[] {b};
      int[] extended = new int[values.length * options.length];
      int n = 0;
      for (int value : values) {
        for (byte option : options) {
          extended[n++] = value | (option & 0xff) << (8 * k);
        }
      }
      values = extended;
    }
    return values;
  }

  private int hash(int folded) {
    return (folded * HASH_MULTIPLIER) >>> hashShift;
  }

  /** English letters from most to least frequent; a rough stand-in for log text statistics. */
  private static final String LETTER_FREQUENCY = "etaoinsrhldcumfpgwybvkxjqz";

  /**
   * Ordinary kubelet, containerd and CRI-O chatter, in the shapes those components print (lower
   * case): the grams that occur here are the ones that would stop the search on healthy nodes.
   */
  private static final byte[] CHATTER =
      ("nov 20 09:35:02 worker-1 kubelet[1187]: i1120 09:35:02.412311 1187 kubelet.go:2457]"
              // the journal header starts every line: host names count several times
              + " worker-2 kubelet[ node-1 containerd[ k8s-worker-3 crio[ worker-4 kubelet["
              + " master-0 kubelet[ control-plane containerd[ ip-10-0-1-23.ec2.internal kubelet["
              + " \"syncloop (pleg): event for pod\" pod=\"kube-system/coredns-5d78c9869d-x\""
              + " event={\"id\":\"5705b877\",\"type\":\"containerstarted\",\"data\":\"347\"}"
              + " \"syncloop update\" source=\"api\" pods=[\"default/web-1\"]"
              + " reconciler_common.go:258] \"operationexecutor.mountvolume started for volume"
              + " \\\"kube-api-access-ca376\\\" (uniquename: \\\"kubernetes.io/projected/d72c\")"
              + " pod \\\"ingest\\\" (uid: \\\"d72c\\\") \" pod=\"web/ingest\""
              + " operation_generator.go:721] \"mountvolume.setup succeeded for volume\""
              + " pod_startup_latency_tracker.go:102] \"observed pod startup duration\""
              + " podstartsloduration=1.743 podstarte2eduration=\"5.0s\""
              + " prober.go:107] \"probe failed\" probetype=\"readiness\" containername=\"app\""
              + " output=\"get \\\"http://10.244.3.17:8080/healthz\\\": context deadline exceeded\""
              + " kuberuntime_manager.go:1013] \"creating container in pod\" containertype=\"init\""
              + " generic.go:334] \"generic (pleg): container finished\" exitcode=0"
              + " containerd[812]: time=\"2026-11-20t09:35:02.412311123z\" level=info"
              + " msg=\"runpodsandbox for &podsandboxmetadata{name:web-1,uid:d72c,namespace:default,"
              + "attempt:0,} returns sandbox id \\\"d982c2afb3\\\"\""
              + " msg=\"createcontainer within sandbox \\\"d982\\\" for container"
              + " &containermetadata{name:app,attempt:0,}\" msg=\"startcontainer for \\\"28b7\\\""
              + " returns successfully\" msg=\"pulling image \\\"docker.io/library/nginx:1.25\\\"\""
              + " msg=\"imagecreate event name:\\\"registry.k8s.io/pause:3.9\\\"\""
              + " msg=\"stopcontainer for \\\"28b7\\\" with timeout 30 (s)\""
              + " msg=\"shim disconnected\" id=28b7 namespace=k8s.io"
              + " crio[900]: time=\"2026-11-20 09:35:02.1+00:00\" level=info msg=\"checking image"
              + " status: registry.k8s.io/pause:3.9\" id=4a1 name=/runtime.v1.imageservice/imagestatus")
          .getBytes(StandardCharsets.ISO_8859_1);

  /** How often a gram (folded like the search folds) occurs in {@link #CHATTER}. */
  private static final java.util.Map<Integer, Integer> CHATTER_GRAMS = new java.util.HashMap<>();

  static {
    for (int i = 0; i + GRAM <= CHATTER.length; i++) {
      int value = 0;
      for (int k = 0; k < GRAM; k++) {
        value |= (CHATTER[i + k] & 0xff) << (8 * k);
      }
      CHATTER_GRAMS.merge(value, 1, Integer::sum);
    }
  }

  /**
   * Where in an anchor to put the {@code stride} consecutive sampled grams: where ordinary text
   * least often passes the bit set. Grams seen in {@link #CHATTER} cost the most (those of
   * "network" and "sandbox" occur all over a healthy node's log); among the rest, grams of rarer
   * letters win, and a space costs a little (it stands for 33 bytes, so 33 grams).
   */
  private static int rarestWindow(byte[] anchor, int gram, int stride) {
    int best = 0;
    long bestCost = Long.MAX_VALUE;
    for (int window = 0; window + stride + gram - 1 <= anchor.length; window++) {
      long cost = 0;
      for (int offset = window; offset < window + stride; offset++) {
        int value = 0;
        int letters = 0;
        int spaces = 0; // each adds 32 more grams to the bit set
        for (int k = 0; k < gram; k++) {
          byte b = anchor[offset + k];
          spaces += b == ' ' ? 1 : 0;
          value |= (b & 0xff) << (8 * k);
          letters += 26 - rarity(b);
        }
        Integer seen = gram == GRAM ? CHATTER_GRAMS.get(value) : null;
        cost += (seen == null ? 0 : 1000L * seen) + letters + 30L * spaces;
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = window;
      }
    }
    return best;
  }

  private static int rarity(byte b) {
    int rank = LETTER_FREQUENCY.indexOf(b);
    if (rank >= 0) {
      return rank;
    }
    if (b == ' ') {
      return 0;
    }
    return b >= '0' && b <= '9' ? 12 : 20;
  }

  /** The prefilter for a catalog: its derived anchors plus the context words. */
  static Prefilter forCatalog(CauseCatalog catalog) {
    Set<String> anchors = new LinkedHashSet<>();
    for (String word : CONTEXT_WORDS) {
      anchors.add(word);
    }
    for (CatalogRule rule : catalog.rules()) {
      for (RulePattern pattern : rule.patterns()) {
        List<String> words = anchorsOf(pattern);
        if (words.isEmpty()) {
          // No literal every match must contain: only reading every line is safe.
          return new Prefilter(List.of(), true);
        }
        anchors.addAll(words);
      }
    }
    return new Prefilter(minimal(anchors), false);
  }

  /** A prefilter for the given anchors (lower-case, at least three characters); for tests. */
  static Prefilter of(List<String> anchors) {
    return new Prefilter(anchors, false);
  }

  /** The anchors, lower-case, without any that contains another (the shorter one suffices). */
  List<String> anchors() {
    return anchors;
  }

  /** True when the catalog has a pattern without an anchor, so every line is a candidate. */
  boolean everyLine() {
    return everyLine;
  }

  /** True when the fused scan of {@link LogScanner} can sample one gram per {@link #STRIDE}. */
  boolean sampled() {
    return !everyLine && gram == GRAM && stride == STRIDE;
  }

  /**
   * Whether the gram read at some position (little-endian, as read or folded by {@link #foldCase})
   * may belong to an anchor; false means no anchor occurrence has that gram at a sampled offset.
   * The first stage looks at the gram {@link #loose}ly, so the scan need not fold a gram before
   * this test; the stages after it compare folded bytes.
   */
  boolean mayMatch(int gram) {
    int hash = (loose(gram) * HASH_MULTIPLIER) >>> hashShift;
    return (bitmap[hash >>> 6] & (1L << hash)) != 0;
  }

  /**
   * The gram with bit 5 of every byte set: one instruction where {@link #foldCase} takes eight. It
   * maps a capital and its small letter alike, as folding does, and so any bytes that fold to an
   * anchor's gram to the anchor's loose gram; it also merges a few pairs that folding keeps apart
   * (a control byte and a digit or punctuation, {@code _} and DEL), which only lets more grams
   * through to the folded comparison.
   */
  private int loose(int gram) {
    return (gram | LOOSE_BITS) & gramMask;
  }

  private static final int LOOSE_BITS = 0x20202020;

  /**
   * The start of an anchor occurrence that has its sampled gram at {@code at} and lies wholly in
   * {@code [from, to)}, or -1.
   */
  int verify(byte[] data, int at, int from, int to) {
    if (at + gram > data.length) {
      return -1;
    }
    int folded = readGram(data, at);
    if (pairBitmap.length > 0
        && at + 2 * GRAM <= data.length
        && !pairMayMatch(folded, foldCase((long) LONGS.get(data, at)))) {
      return -1;
    }
    return compare(data, at, folded, from, to);
  }

  /**
   * {@link #verify} for the fused scan, which has already folded the gram at {@code at} and the
   * eight bytes from it: the same answer without reading them again.
   */
  int verifySampled(byte[] data, int at, int folded, long eight, int from, int to) {
    if (pairBitmap.length > 0 && !pairMayMatch(folded, eight)) {
      return -1;
    }
    return compare(data, at, folded, from, to);
  }

  /**
   * The second stage: false when no short anchor has the gram and no long one has it followed by
   * the next four of the eight folded bytes.
   */
  private boolean pairMayMatch(int folded, long eight) {
    int hash = hash(folded);
    if ((shortBitmap[hash >>> 6] & (1L << hash)) != 0) {
      return true;
    }
    int pair = pairHash(spacesCanonical(eight));
    return (pairBitmap[pair >>> 6] & (1L << pair)) != 0;
  }

  /** The anchors that have the gram, each compared where the gram would put it. */
  private int compare(byte[] data, int at, int folded, int from, int to) {
    int slot = hash(folded) & slotMask;
    while (slotCount[slot] != 0) {
      if (slotGrams[slot] == folded) {
        int first = slotFirst[slot];
        for (int k = first; k < first + slotCount[slot]; k++) {
          byte[] pattern = patterns[entryAnchor[k]];
          int start = at - entryOffset[k];
          if (start >= from && start + pattern.length <= to && matchesAt(data, start, pattern)) {
            return start;
          }
        }
        return -1;
      }
      slot = (slot + 1) & slotMask;
    }
    return -1;
  }

  private int readGram(byte[] data, int at) {
    int value = 0;
    for (int k = 0; k < gram; k++) {
      int b = data[at + k] & 0xff;
      value |= (b >= 'A' && b <= 'Z' ? b + 32 : b) << (8 * k);
    }
    return value & gramMask;
  }

  private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;
  private static final long HIGH = 0x8080808080808080L;
  private static final long ONES = 0x0101010101010101L;
  private static final java.lang.invoke.VarHandle LONGS =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /**
   * Eight folded bytes with every byte that a space in an anchor stands for (control bytes but the
   * newline, and DEL) made a space, so that one value stands for all of an anchor's variants.
   */
  static long spacesCanonical(long folded) {
    long low = folded & LOW7;
    long below = ~(low + 0x6060606060606060L) & ~folded & HIGH; // bytes under 0x20
    long newline = folded ^ (ONES * '\n');
    newline = ~(((newline & LOW7) + LOW7) | newline | LOW7);
    long delete = folded ^ (ONES * 0x7F);
    delete = ~(((delete & LOW7) + LOW7) | delete | LOW7);
    long control = ((below & ~newline) | delete) >>> 7; // 0x01 in each such byte
    return (folded & ~(control * 0xFF)) | (control * ' ');
  }

  /** The eight bytes of an anchor at {@code offset}, little-endian, as {@link #spacesCanonical}. */
  private static long pairOf(byte[] anchor, int offset) {
    long value = 0;
    for (int k = 0; k < 2 * GRAM; k++) {
      value |= (long) (anchor[offset + k] & 0xff) << (8 * k);
    }
    return value;
  }

  private int pairHash(long pair) {
    return (int) ((pair * 0x9E3779B97F4A7C15L) >>> (32 + hashShift));
  }

  /**
   * Eight bytes with the ASCII capitals made small letters and every other byte left alone, so that
   * control bytes (which a space in an anchor stands for) stay apart from digits and punctuation.
   */
  static long foldCase(long word) {
    long low = word & LOW7;
    long atLeastA = low + 0x3F3F3F3F3F3F3F3FL; // high bit set where the byte is >= 'A'
    long aboveZ = low + 0x2525252525252525L; // high bit set where the byte is > 'Z'
    long capitals = atLeastA & ~aboveZ & ~word & HIGH;
    return word | (capitals >>> 2);
  }

  /**
   * The start of an anchor occurrence that lies wholly in {@code [from, to)}, or -1; not
   * necessarily the first one. Samples one gram per stride from {@code from}: any occurrence holds
   * one of them at an offset the tables know.
   */
  int find(byte[] data, int from, int to) {
    if (everyLine) {
      return from < to ? from : -1;
    }
    if (minLength == 0) {
      return -1;
    }
    for (int at = from; at + gram <= to; at += stride) {
      if (mayMatch(readGram(data, at))) {
        int start = verify(data, at, from, to);
        if (start >= 0) {
          return start;
        }
      }
    }
    return -1;
  }

  private static boolean matchesAt(byte[] data, int start, byte[] pattern) {
    for (int k = 0; k < pattern.length; k++) {
      if (FOLD[data[start + k] & 0xff] != pattern[k]) {
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Anchor derivation

  /**
   * Anchor words of one pattern: any match of the pattern contains at least one of them. Empty when
   * no usable literal was found.
   */
  static List<String> anchorsOf(RulePattern pattern) {
    switch (pattern.kind()) {
      case LITERAL:
        return bestWord(pattern.terms().get(0));
      case ALL:
        {
          List<String> best = List.of();
          for (String term : pattern.terms()) {
            List<String> words = bestWord(term);
            if (score(words) > score(best)) {
              best = words;
            }
          }
          return best;
        }
      case REGEX:
      default:
        return regexAnchors(pattern.terms().get(0));
    }
  }

  /**
   * The best safe run of a literal, as a one-element list; empty when none has 3 characters. When
   * every word is a common one ({@code failed to read config file}), the longest phrase of safe
   * runs joined by single spaces is taken instead, so that the anchor stays rare.
   */
  private static List<String> bestWord(String literal) {
    String best = null;
    for (String word : safeRuns(literal)) {
      if (best == null || wordScore(word) > wordScore(best)) {
        best = word;
      }
    }
    String phrase = longestPhrase(literal);
    if (phrase.indexOf(' ') > 0 && (best == null || wordScore(phrase) > wordScore(best))) {
      return List.of(phrase);
    }
    return best == null ? List.of() : List.of(best);
  }

  /** The longest run of safe characters and single spaces, trimmed, lower-case. */
  private static String longestPhrase(String text) {
    String best = "";
    int start = 0;
    for (int i = 0; i <= text.length(); i++) {
      boolean inside =
          i < text.length()
              && (isSafe(text.charAt(i))
                  || (text.charAt(i) == ' '
                      && i > start
                      && i + 1 < text.length()
                      && isSafe(text.charAt(i + 1))));
      if (!inside) {
        String phrase = text.substring(start, i).trim();
        if (phrase.length() > best.length()) {
          best = phrase;
        }
        start = i + 1;
      }
    }
    return best.toLowerCase(Locale.ROOT);
  }

  private static List<String> safeRuns(String text) {
    List<String> runs = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean safe = i < text.length() && isSafe(text.charAt(i));
      if (safe && start < 0) {
        start = i;
      } else if (!safe && start >= 0) {
        if (i - start >= 3) {
          runs.add(text.substring(start, i).toLowerCase(Locale.ROOT));
        }
        start = -1;
      }
    }
    return runs;
  }

  static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '/'
        || c == '.'
        || c == '_'
        || c == '-'
        || c == ':'
        || c == '\'';
  }

  private static int wordScore(String word) {
    if (word.indexOf(' ') >= 0) {
      return word.length() - 12; // a phrase of common words: rarer than one, worse than a rare word
    }
    int score = COMMON.contains(word) ? word.length() - 20 : word.length();
    // Short anchors shorten every skip of the search: a longer phrase is worth more.
    return word.length() < SHORT ? score - 10 : score;
  }

  /** A set of alternatives is as good as its worst member. */
  private static int score(List<String> words) {
    if (words.isEmpty()) {
      return Integer.MIN_VALUE;
    }
    int min = Integer.MAX_VALUE;
    for (String word : words) {
      min = Math.min(min, wordScore(word));
    }
    return min;
  }

  /**
   * Anchors of a regular expression: the best required literal run at the top level, or the best
   * group of plain literal alternatives ({@code (bigger|larger)}) that is not optional. Anything
   * else (classes, escapes other than a quoted punctuation mark, quantified items) ends a run.
   */
  static List<String> regexAnchors(String regex) {
    List<List<String>> options = new ArrayList<>();
    // The literal text read since the last break, one entry per combination of group alternatives.
    List<StringBuilder> run = new ArrayList<>(List.of(new StringBuilder()));
    int n = regex.length();
    for (int i = 0; i < n; i++) {
      char c = regex.charAt(i);
      if (c == '|') {
        return List.of(); // top-level alternation: no literal is required
      }
      if (c == '(') {
        int close = matchingParen(regex, i);
        if (close < 0) {
          return List.of();
        }
        boolean optional = close + 1 < n && "?*{+".indexOf(regex.charAt(close + 1)) >= 0;
        List<String> alternatives =
            optional ? List.of() : literalAlternatives(regex.substring(i + 1, close));
        if (alternatives.isEmpty() || alternatives.size() * run.size() > 16) {
          flush(run, options);
        } else {
          List<StringBuilder> product = new ArrayList<>();
          for (StringBuilder prefix : run) {
            for (String alternative : alternatives) {
              product.add(new StringBuilder(prefix).append(alternative));
            }
          }
          run = product;
        }
        i = close;
        continue;
      }
      if (c == '\\' && i + 1 < n) {
        char next = regex.charAt(i + 1);
        i++;
        if (Character.isLetterOrDigit(next)) {
          flush(run, options); // \d, \S, \b ...
        } else {
          i = literal(regex, i, next, run, options); // an escaped punctuation mark is itself
        }
        continue;
      }
      if ("[.^$".indexOf(c) >= 0) {
        flush(run, options);
        if (c == '[') {
          i = regex.indexOf(']', i + 2);
          if (i < 0) {
            return List.of();
          }
        }
        if (quantifierAt(regex, i + 1)) {
          i = skipQuantifier(regex, i + 1) - 1;
        }
        continue;
      }
      i = literal(regex, i, c, run, options);
    }
    flush(run, options);
    List<String> best = List.of();
    for (List<String> option : options) {
      if (score(option) > score(best)) {
        best = option;
      }
    }
    return best;
  }

  /**
   * Adds the literal character at {@code i} to every alternative of the run; a quantifier after it
   * makes it optional (the run breaks before it) or repeatable (the run breaks after it). Returns
   * the index of the last character consumed.
   */
  private static int literal(
      String regex, int i, char c, List<StringBuilder> run, List<List<String>> options) {
    if (!quantifierAt(regex, i + 1)) {
      for (StringBuilder alternative : run) {
        alternative.append(c);
      }
      return i;
    }
    if (regex.charAt(i + 1) == '+') {
      for (StringBuilder alternative : run) {
        alternative.append(c);
      }
    }
    flush(run, options);
    return skipQuantifier(regex, i + 1) - 1;
  }

  private static void flush(List<StringBuilder> run, List<List<String>> options) {
    List<String> words = new ArrayList<>();
    for (StringBuilder alternative : run) {
      List<String> word = bestWord(alternative.toString());
      if (word.isEmpty()) {
        words = null;
        break;
      }
      words.add(word.get(0));
    }
    if (words != null) {
      options.add(words);
    }
    run.clear();
    run.add(new StringBuilder());
  }

  private static boolean quantifierAt(String regex, int i) {
    return i < regex.length() && "?*+{".indexOf(regex.charAt(i)) >= 0;
  }

  private static int skipQuantifier(String regex, int i) {
    if (regex.charAt(i) == '{') {
      int close = regex.indexOf('}', i);
      i = close < 0 ? regex.length() : close + 1;
    } else {
      i++;
    }
    if (i < regex.length() && (regex.charAt(i) == '?' || regex.charAt(i) == '+')) {
      i++;
    }
    return i;
  }

  private static int matchingParen(String regex, int open) {
    int depth = 0;
    for (int i = open; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** The alternatives of a group when they are all plain literals; else empty. */
  private static List<String> literalAlternatives(String body) {
    if (body.startsWith("?:")) {
      body = body.substring(2);
    }
    List<String> alternatives = new ArrayList<>();
    for (String alternative : body.split("\\|", -1)) {
      for (int i = 0; i < alternative.length(); i++) {
        if ("\\[]().*+?{}^$".indexOf(alternative.charAt(i)) >= 0) {
          return List.of();
        }
      }
      alternatives.add(alternative);
    }
    return alternatives;
  }

  /** Drops anchors that contain another anchor: any line with the longer one has the shorter. */
  private static List<String> minimal(Set<String> anchors) {
    List<String> kept = new ArrayList<>();
    for (String anchor : anchors) {
      boolean redundant = false;
      for (String other : anchors) {
        if (!other.equals(anchor) && anchor.contains(other)) {
          redundant = true;
          break;
        }
      }
      if (!redundant) {
        kept.add(anchor);
      }
    }
    return kept;
  }
}
