package dev.podnet.node;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Go's {@code sort.Strings} order, which runtimes use for the CNI conf dir: raw UTF-8 bytes. */
final class RawBytes {
  /** Compares names byte by byte, unsigned, so {@code 10-X} sorts before {@code 10-a}. */
  static final Comparator<String> ORDER =
      (a, b) ->
          Arrays.compareUnsigned(
              a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  private RawBytes() {}
}
