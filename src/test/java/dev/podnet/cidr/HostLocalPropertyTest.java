package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * host-local usable-address counting and allocation against brute-force enumeration of the
 * allocatable addresses, IPv4 and IPv6, with random rangeStart, rangeEnd and gateway.
 */
class HostLocalPropertyTest {

  /** A range as configured, and what brute force says about it. */
  private record Spec(Cidr subnet, Address start, Address end, Address gateway) {

    /** The configuration text; null for "take the default". */
    String text(Address address) {
      return address == null ? null : address.toString();
    }

    HostLocalRange build() {
      return HostLocalRange.of(subnet.toString(), text(start), text(end), text(gateway));
    }

    Address effectiveStart() {
      return start != null ? start : subnet.network().next();
    }

    Address effectiveEnd() {
      if (end != null) {
        return end;
      }
      return subnet.family() == IpFamily.IPV4
          ? new Address(IpFamily.IPV4, subnet.last().subtract(BigInteger.ONE))
          : subnet.lastAddress();
    }

    Address effectiveGateway() {
      return gateway != null ? gateway : subnet.network().next();
    }

    /** Canonicalize's checks, restated: start and end inside the subnet and in order. */
    boolean valid() {
      boolean startOk =
          start == null || subnet.contains(start) && (end == null || start.compareTo(end) <= 0);
      boolean endOk = end == null || subnet.contains(end) && end.compareTo(effectiveStart()) >= 0;
      return startOk && endOk && effectiveStart().compareTo(effectiveEnd()) <= 0;
    }

    /** Every allocatable address, by walking the whole subnet. */
    Set<Address> allocatable() {
      Set<Address> addresses = new HashSet<>();
      for (BigInteger v = subnet.first();
          v.compareTo(subnet.last()) <= 0;
          v = v.add(BigInteger.ONE)) {
        Address a = new Address(subnet.family(), v);
        if (a.compareTo(effectiveStart()) >= 0
            && a.compareTo(effectiveEnd()) <= 0
            && !a.equals(effectiveGateway())) {
          addresses.add(a);
        }
      }
      return addresses;
    }
  }

  @RepeatedTest(400)
  void usableCountEqualsEnumeration(RepetitionInfo repetition) {
    Seeded.run(
        repetition,
        random -> {
          Spec spec = randomSpec(random, randomSubnet(random));
          if (!spec.valid()) {
            assertThatThrownBy(spec::build)
                .as("%s", spec)
                .isInstanceOf(IllegalArgumentException.class);
            return;
          }
          HostLocalRange range = spec.build();
          Set<Address> allocatable = spec.allocatable();
          assertThat(range.usableAddressCount())
              .as("%s", spec)
              .isEqualTo(BigInteger.valueOf(allocatable.size()));

          HostLocalAllocator allocator =
              new HostLocalAllocator(HostLocalRangeSet.of(List.of(range)), 0);
          List<String> order = allocator.candidateOrder(Integer.MAX_VALUE);
          assertThat(order).as("%s iteration", spec).doesNotHaveDuplicates();
          assertThat(order.stream().map(Address::parse).toList())
              .as("%s iteration", spec)
              .containsExactlyInAnyOrderElementsOf(allocatable);
        });
  }

  @RepeatedTest(300)
  void rangeSetsIterateOverExactlyTheirAllocatableAddresses(RepetitionInfo repetition) {
    Seeded.run(
        repetition,
        random -> {
          List<Spec> specs = randomValidSpecs(random);
          HostLocalRangeSet set = HostLocalRangeSet.of(specs.stream().map(Spec::build).toList());
          Set<Address> allocatable = new HashSet<>();
          specs.forEach(spec -> allocatable.addAll(spec.allocatable()));
          assertThat(set.usableAddressCount()).isEqualTo(BigInteger.valueOf(allocatable.size()));

          HostLocalAllocator allocator = new HostLocalAllocator(set, 0);
          List<Address> all = new ArrayList<>(allocatable);
          Collections.sort(all);
          if (!all.isEmpty() && random.nextBoolean()) {
            String last = all.get(random.nextInt(all.size())).toString();
            allocator.reserve("x", "eth0", last);
            allocator.release("x", "eth0");
          }
          List<String> order = allocator.candidateOrder(Integer.MAX_VALUE);
          assertThat(order).doesNotHaveDuplicates();
          assertThat(order.stream().map(Address::parse).toList())
              .containsExactlyInAnyOrderElementsOf(allocatable);
        });
  }

  @RepeatedTest(300)
  void allocationNeverDuplicatesAndNeverLeavesTheRanges(RepetitionInfo repetition) {
    Seeded.run(
        repetition,
        random -> {
          List<Spec> specs = randomValidSpecs(random);
          HostLocalRangeSet set = HostLocalRangeSet.of(specs.stream().map(Spec::build).toList());
          Set<Address> allocatable = new HashSet<>();
          specs.forEach(spec -> allocatable.addAll(spec.allocatable()));
          HostLocalAllocator allocator = new HostLocalAllocator(set, 0);
          Map<Address, String> held = new HashMap<>();
          Map<String, Address> byContainer = new LinkedHashMap<>();
          int nextContainer = 0;

          for (int step = 0; step < 300; step++) {
            int operation = random.nextInt(20);
            if (operation < 11) {
              String container = "c" + nextContainer++;
              if (held.size() == allocatable.size()) {
                assertThatThrownBy(() -> allocator.allocate(container, "eth0"))
                    .hasMessage("no IP addresses available in range set: " + set);
                continue;
              }
              Address ip = Address.parse(allocator.allocate(container, "eth0").ip());
              assertThat(allocatable).as("step %d: %s allocatable", step, ip).contains(ip);
              assertThat(held).as("step %d: %s already held", step, ip).doesNotContainKey(ip);
              held.put(ip, container);
              byContainer.put(container, ip);
            } else if (operation < 17 && !byContainer.isEmpty()) {
              List<String> containers = new ArrayList<>(byContainer.keySet());
              String container = containers.get(random.nextInt(containers.size()));
              allocator.release(container, "eth0");
              held.remove(byContainer.remove(container));
            } else if (operation < 18 && !byContainer.isEmpty()) {
              String container = byContainer.keySet().iterator().next();
              assertThatThrownBy(() -> allocator.allocate(container, "eth0"))
                  .hasMessage(
                      byContainer.get(container)
                          + " has been allocated to "
                          + container
                          + ", duplicate allocation is not allowed");
            } else {
              requestSpecificIp(random, specs, set, allocator, held, byContainer, "r" + step);
            }
            if (step % 50 == 49) {
              assertThat(allocator.state("net").reservations())
                  .extracting(HostLocalReservation::ip)
                  .containsExactlyInAnyOrderElementsOf(
                      held.keySet().stream().map(Address::toString).toList());
            }
          }
        });
  }

  private static void requestSpecificIp(
      Random random,
      List<Spec> specs,
      HostLocalRangeSet set,
      HostLocalAllocator allocator,
      Map<Address, String> held,
      Map<String, Address> byContainer,
      String container) {
    Spec spec = specs.get(random.nextInt(specs.size()));
    Address ip = Seeded.addressIn(random, spec.subnet());
    int owner = -1;
    for (int i = 0; i < specs.size() && owner < 0; i++) {
      Spec candidate = specs.get(i);
      if (ip.compareTo(candidate.effectiveStart()) >= 0
          && ip.compareTo(candidate.effectiveEnd()) <= 0) {
        owner = i;
      }
    }
    if (owner < 0) {
      assertThatThrownBy(() -> allocator.allocate(container, "eth0", ip.toString()))
          .hasMessage(ip + " not in range set " + set);
    } else if (ip.equals(specs.get(owner).effectiveGateway())) {
      assertThatThrownBy(() -> allocator.allocate(container, "eth0", ip.toString()))
          .hasMessage("requested ip " + ip + " is subnet's gateway");
    } else if (held.containsKey(ip)) {
      assertThatThrownBy(() -> allocator.allocate(container, "eth0", ip.toString()))
          .hasMessage("requested IP address " + ip + " is not available in range set " + set);
    } else {
      assertThat(allocator.allocate(container, "eth0", ip.toString()).ip())
          .isEqualTo(ip.toString());
      held.put(ip, container);
      byContainer.put(container, ip);
    }
  }

  private static Cidr randomSubnet(Random random) {
    IpFamily family = Seeded.family(random);
    int hostBits = 2 + random.nextInt(9);
    return Seeded.randomBlock(random, family, family.bits() - hostBits);
  }

  /** Start, end and gateway each unset, inside the subnet, or (rarely) outside it. */
  private static Spec randomSpec(Random random, Cidr subnet) {
    return new Spec(subnet, option(random, subnet), option(random, subnet), option(random, subnet));
  }

  private static Address option(Random random, Cidr subnet) {
    int choice = random.nextInt(20);
    if (choice < 9) {
      return null;
    }
    if (choice < 19) {
      return Seeded.addressIn(random, subnet);
    }
    return Seeded.addressIn(
        random, Cidr.of(subnet.network(), Math.max(0, subnet.prefixLength() - 2)));
  }

  /** One to four valid ranges in disjoint quarters of a parent block, in random order. */
  private static List<Spec> randomValidSpecs(Random random) {
    IpFamily family = Seeded.family(random);
    int childHostBits = 2 + random.nextInt(5);
    Cidr parent = Seeded.randomBlock(random, family, family.bits() - childHostBits - 2);
    List<Cidr> quarters = new ArrayList<>();
    BigInteger childSize = BigInteger.ONE.shiftLeft(childHostBits);
    for (int i = 0; i < 4; i++) {
      quarters.add(
          Cidr.of(
              new Address(family, parent.first().add(childSize.multiply(BigInteger.valueOf(i)))),
              family.bits() - childHostBits));
    }
    Collections.shuffle(quarters, random);
    List<Spec> specs = new ArrayList<>();
    for (Cidr subnet : quarters.subList(0, 1 + random.nextInt(4))) {
      Spec spec = randomSpec(random, subnet);
      while (!spec.valid()) {
        spec = randomSpec(random, subnet);
      }
      specs.add(spec);
    }
    return specs;
  }
}
