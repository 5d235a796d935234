package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every ported {@code cidr_set_test.go} vector ({@code cidr_set_test.tsv}) on NodeCidrPool.
 */
class CidrSetVectorsTest {

  private static final Pattern SLICE = Pattern.compile("(\\w+)(?:\\[(\\d+)(?:\\.\\.(\\d+))?])?");

  static Stream<Arguments> vectors() {
    return VectorFile.arguments("cidr_set_test.tsv", "line", "test", "description");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void upstreamVector(VectorFile.Row row) {
    Cidr cluster = Cidr.parse(row.get("clusterCIDR"));
    int nodeMask = Integer.parseInt(row.get("nodeMask"));
    String[] steps = row.get("steps").split(" ; ");
    if (steps[0].startsWith("new ! ")) {
      assertThatThrownBy(() -> new NodeCidrPool(cluster, nodeMask))
          .as(row.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(steps[0].substring("new ! ".length()));
      return;
    }
    NodeCidrPool pool = new NodeCidrPool(cluster, nodeMask);
    Map<String, List<Cidr>> lists = new HashMap<>();
    for (String step : steps) {
      run(row + " step '" + step + "'", pool, lists, step);
    }
  }

  private static void run(
      String where, NodeCidrPool pool, Map<String, List<Cidr>> lists, String step) {
    String[] words = step.split(" ", 3);
    String verb = words[0];
    if (verb.equals("next") && words.length == 1) {
      pool.allocateNext();
    } else if (verb.equals("next") && words[1].equals("=")) {
      assertThat(pool.allocateNext().toString()).as(where).isEqualTo(words[2]);
    } else if (verb.equals("next") && words[1].equals("!")) {
      assertThatThrownBy(pool::allocateNext)
          .as(where)
          .isInstanceOf(IpamException.class)
          .hasMessage(words[2]);
    } else if (verb.startsWith("next*")) {
      repeatNext(where, pool, lists, Integer.parseInt(verb.substring(5)), step);
    } else if (verb.equals("occupy")) {
      resolve(lists, step.substring(7)).forEach(pool::occupy);
    } else if (verb.equals("release")) {
      resolve(lists, step.substring(8)).forEach(pool::release);
    } else if (verb.equals("count")) {
      assertThat(pool.allocatedCount()).as(where).isEqualTo(Long.parseLong(words[2]));
    } else if (verb.equals("index")) {
      String[] parts = step.split(" ", 4);
      Cidr subnet = Cidr.parse(parts[1]);
      if (parts[2].equals("!")) {
        assertThatThrownBy(() -> pool.indexOf(subnet))
            .as(where)
            .isInstanceOf(IpamException.class)
            .hasMessage(parts[3]);
      } else {
        assertThat(pool.indexOf(subnet)).as(where).isEqualTo(Long.parseLong(parts[3]));
      }
    } else if (verb.equals("block")) {
      String[] parts = step.split(" ");
      assertThat(pool.cidrAt(Long.parseLong(parts[1])).toString()).as(where).isEqualTo(parts[3]);
    } else if (verb.equals("used")) {
      String[] bounds = words[2].split("\\.\\.");
      assertThat(pool.usedIndexRuns())
          .as(where)
          .singleElement()
          .satisfies(
              run ->
                  assertThat(run)
                      .containsExactly(Long.parseLong(bounds[0]), Long.parseLong(bounds[1])));
    } else if (verb.equals("metrics")) {
      assertMetrics(where, pool, step.substring("metrics ".length()), 0);
    } else {
      throw new IllegalArgumentException(where + ": unknown step");
    }
  }

  private static void repeatNext(
      String where, NodeCidrPool pool, Map<String, List<Cidr>> lists, int times, String step) {
    List<Cidr> allocated = new ArrayList<>();
    String metricsCheck = step.contains(" ~ metrics ") ? step.split(" ~ metrics ")[1] : null;
    for (int i = 1; i <= times; i++) {
      allocated.add(pool.allocateNext());
      if (metricsCheck != null) {
        assertMetrics(where + " after " + i, pool, metricsCheck, i);
      }
    }
    if (step.contains(" -> ")) {
      lists.put(step.split(" -> ")[1], allocated);
    } else if (step.contains(" == ")) {
      assertThat(allocated)
          .as(where)
          .containsExactlyElementsOf(resolve(lists, step.split(" == ")[1]));
    }
  }

  private static List<Cidr> resolve(Map<String, List<Cidr>> lists, String reference) {
    if (reference.contains("/")) {
      return List.of(Cidr.parse(reference));
    }
    Matcher slice = SLICE.matcher(reference);
    if (!slice.matches() || !lists.containsKey(slice.group(1))) {
      throw new IllegalArgumentException("unknown list " + reference);
    }
    List<Cidr> list = lists.get(slice.group(1));
    if (slice.group(2) == null) {
      return list;
    }
    int from = Integer.parseInt(slice.group(2));
    int to = slice.group(3) == null ? from : Integer.parseInt(slice.group(3));
    return list.subList(from, to + 1);
  }

  /** {@code usage=<x> allocs=<n> releases=<n> tries=<n>}; {@code i} stands for the step count. */
  private static void assertMetrics(String where, NodeCidrPool pool, String expected, int i) {
    for (String pair : expected.split(" ")) {
      String[] keyValue = pair.split("=");
      String value = keyValue[1].replace("i", Integer.toString(i));
      switch (keyValue[0]) {
        case "usage" ->
            assertThat(pool.usageMetric()).as(where).isCloseTo(ratio(value), within(1e-12));
        case "allocs" ->
            assertThat(pool.allocationsMetric()).as(where).isEqualTo(Long.parseLong(value));
        case "releases" ->
            assertThat(pool.releasesMetric()).as(where).isEqualTo(Long.parseLong(value));
        case "tries" ->
            assertThat(pool.allocationTriesMetric()).as(where).isEqualTo(Long.parseLong(value));
        default -> throw new IllegalArgumentException(where + ": unknown metric " + pair);
      }
    }
  }

  private static double ratio(String value) {
    String[] parts = value.split("/");
    return parts.length == 1
        ? Double.parseDouble(value)
        : Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
  }
}
