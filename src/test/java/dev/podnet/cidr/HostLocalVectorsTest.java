package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs host-local's allocator, range and range-set vectors ({@code host_local_allocator_test.tsv},
 * {@code host_local_range_test.tsv}).
 */
class HostLocalVectorsTest {

  static Stream<Arguments> allocatorVectors() {
    return VectorFile.arguments("host_local_allocator_test.tsv", "line", "it");
  }

  static Stream<Arguments> rangeVectors() {
    return VectorFile.arguments("host_local_range_test.tsv", "source", "check");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allocatorVectors")
  void allocatorTest(VectorFile.Row row) {
    HostLocalRangeSet set = HostLocalRangeSet.of(ranges(row.get("ranges")));
    HostLocalState directory = HostLocalState.parse("mynet", files(row.get("files")));
    HostLocalAllocator allocator = HostLocalAllocator.restore(set, 0, directory);
    for (String step : row.get("steps").split(" ; ")) {
      run(row + " step '" + step + "'", allocator, step);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rangeVectors")
  void rangeTest(VectorFile.Row row) {
    String where = row.toString();
    String[] check = row.get("check").split(" ");
    String expected = row.get("expected");
    String[] specs = row.get("ranges").split(" ");
    switch (check[0]) {
      case "canonical" -> {
        if (expected.startsWith("! ")) {
          assertThatThrownBy(() -> range(specs[0]))
              .as(where)
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage(expected.substring(2));
        } else {
          HostLocalRange range = range(specs[0]);
          assertThat(range + " gw " + range.gateway()).as(where).isEqualTo(expected);
        }
      }
      case "contains" ->
          assertThat(range(specs[0]).contains(check[1]))
              .as(where)
              .isEqualTo(Boolean.parseBoolean(expected));
      case "overlaps" -> {
        HostLocalRange a = range(specs[0]);
        HostLocalRange b = range(specs[1]);
        assertThat(List.of(a.overlaps(b), b.overlaps(a)))
            .as(where)
            .containsOnly(Boolean.parseBoolean(expected));
      }
      case "set" -> {
        if (expected.equals("ok")) {
          assertThat(HostLocalRangeSet.of(ranges(row.get("ranges"))).ranges())
              .hasSize(specs.length);
        } else {
          assertThatThrownBy(() -> HostLocalRangeSet.of(ranges(row.get("ranges"))))
              .as(where)
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage(expected.substring(2));
        }
      }
      case "set-contains" -> {
        HostLocalRangeSet set = HostLocalRangeSet.of(ranges(row.get("ranges")));
        if (expected.startsWith("! ")) {
          assertThat(set.contains(check[1])).as(where).isFalse();
          HostLocalAllocator allocator = new HostLocalAllocator(set, 0);
          assertThatThrownBy(() -> allocator.allocate("ID", "eth0", check[1]))
              .as(where)
              .hasMessage(expected.substring(2));
        } else {
          assertThat(set.rangeFor(Address.parse(check[1])))
              .as(where)
              .isEqualTo(Integer.parseInt(expected.substring("range ".length())));
        }
      }
      case "sets-overlap" -> {
        HostLocalRangeSet a = HostLocalRangeSet.of(List.of(range(specs[0])));
        HostLocalRangeSet b = HostLocalRangeSet.of(List.of(range(specs[1])));
        assertThat(List.of(a.overlaps(b), b.overlaps(a)))
            .as(where)
            .containsOnly(Boolean.parseBoolean(expected));
      }
      default -> throw new IllegalArgumentException(where + ": unknown check " + check[0]);
    }
  }

  private static void run(String where, HostLocalAllocator allocator, String step) {
    String[] words = step.split(" ");
    switch (words[0]) {
      case "get" -> get(where, allocator, step);
      case "reserve" ->
          assertThat(allocator.reserve(words[1], words[2], words[3])).as(where).isTrue();
      case "release" -> allocator.release(words[1], words[2]);
      case "iter" -> {
        List<String> expected = new ArrayList<>(Arrays.asList(words[2].split(",")));
        assertThat(expected.remove(expected.size() - 1))
            .as(where + " ends with nil")
            .isEqualTo("nil");
        assertThat(allocator.candidateOrder(Integer.MAX_VALUE))
            .as(where)
            .containsExactlyElementsOf(expected);
      }
      case "iter-first" ->
          assertThat(allocator.candidateOrder(1)).as(where).containsExactly(words[2]);
      default -> throw new IllegalArgumentException(where + ": unknown step");
    }
  }

  /** {@code get <id> <ifname> [ip=<ip>] (= <ip>[/<len>] | ! <error>)}. */
  private static void get(String where, HostLocalAllocator allocator, String step) {
    String[] words = step.split(" ", 5);
    String id = words[1];
    String ifname = words[2];
    String requested = words[3].startsWith("ip=") ? words[3].substring(3) : null;
    String rest = requested == null ? step.split(" ", 4)[3] : words[4];
    if (rest.startsWith("! ")) {
      assertThatThrownBy(
              () -> {
                if (requested == null) {
                  allocator.allocate(id, ifname);
                } else {
                  allocator.allocate(id, ifname, requested);
                }
              })
          .as(where)
          .isInstanceOf(IpamException.class)
          .hasMessage(rest.substring(2));
      return;
    }
    String expected = rest.substring("= ".length());
    HostLocalAllocation allocation =
        requested == null
            ? allocator.allocate(id, ifname)
            : allocator.allocate(id, ifname, requested);
    assertThat(expected.contains("/") ? allocation.address() : allocation.ip())
        .as(where)
        .isEqualTo(expected);
    assertThat(allocator.lastReservedIp()).as(where + " last reserved").contains(allocation.ip());
  }

  /** Space-separated ranges, each {@code subnet[start=..,end=..,gw=..]}. */
  static List<HostLocalRange> ranges(String specs) {
    return Arrays.stream(specs.split(" ")).map(HostLocalVectorsTest::range).toList();
  }

  static HostLocalRange range(String spec) {
    int bracket = spec.indexOf('[');
    if (bracket < 0) {
      return HostLocalRange.of(spec);
    }
    Map<String, String> options = new HashMap<>();
    for (String option : spec.substring(bracket + 1, spec.length() - 1).split(",")) {
      String[] keyValue = option.split("=");
      options.put(keyValue[0], keyValue[1]);
    }
    return HostLocalRange.of(
        spec.substring(0, bracket), options.get("start"), options.get("end"), options.get("gw"));
  }

  private static Map<String, String> files(String spec) {
    Map<String, String> files = new HashMap<>();
    if (!spec.equals("-")) {
      for (String file : spec.split(" ")) {
        String[] nameContent = file.split("=", 2);
        files.put(nameContent[0], nameContent[1]);
      }
    }
    return files;
  }
}
