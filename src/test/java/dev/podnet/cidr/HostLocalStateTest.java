package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostLocalStateTest {

  private static final String CONTAINER =
      "0f3c5e2a9b7d41c8a6e1f2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";

  @Test
  void readsTheDirectoryHostLocalWritesForADualStackAdd() {
    // host_local_test.go: ADD with ranges [[10.1.2.0/24, 10.2.2.0/24], [2001:db8:1::/64]].
    HostLocalState state =
        HostLocalState.parse(
            "mynet",
            Map.of(
                "2001:db8:1::2", CONTAINER + "\r\neth0",
                "10.1.2.2", CONTAINER + "\r\neth0",
                "last_reserved_ip.0", "10.1.2.2",
                "last_reserved_ip.1", "2001:db8:1::2",
                "lock", ""));

    assertThat(state.reservations())
        .containsExactly(
            new HostLocalReservation("10.1.2.2", CONTAINER, "eth0"),
            new HostLocalReservation("2001:db8:1::2", CONTAINER, "eth0"));
    assertThat(state.lastReservedIp(0)).contains("10.1.2.2");
    assertThat(state.lastReservedIp(1)).contains("2001:db8:1::2");
    assertThat(state.lockFilePresent()).isTrue();
    assertThat(state.otherFiles()).isEmpty();
    assertThat(state.reservationsOf(CONTAINER, "eth0")).hasSize(2);
    assertThat(state.reservationsOf(CONTAINER, "net1")).isEmpty();
  }

  @Test
  void keepsLegacyWindowsAndUnknownFilesApart() {
    HostLocalState state =
        HostLocalState.parse(
            "cbr0",
            Map.of(
                "10.244.1.7", "abc123\n",
                "2001_db8_1__3", "def456\r\neth0",
                "10.244.1.08", "not an address",
                "notes.txt", "x"));

    assertThat(state.reservations())
        .containsExactly(
            new HostLocalReservation("10.244.1.7", "abc123", ""),
            new HostLocalReservation("2001:db8:1::3", "def456", "eth0"));
    assertThat(state.reservations().get(0).legacyFormat()).isTrue();
    assertThat(state.reservationsOf("abc123", "eth0")).hasSize(1);
    assertThat(state.otherFiles()).containsExactly("10.244.1.08", "notes.txt");
    assertThat(state.lockFilePresent()).isFalse();
  }

  @Test
  void aLastReservedIpWithANewlineIsIgnoredAsHostLocalIgnoresIt() {
    HostLocalState state =
        HostLocalState.parse("cbr0", Map.of("last_reserved_ip.0", "10.244.1.9\n"));

    assertThat(state.lastReservedIps()).containsEntry("0", "10.244.1.9\n");
    assertThat(state.lastReservedIp(0)).isEmpty();
  }

  @Test
  void aRestoredAllocatorContinuesAfterTheLastReservedIp() {
    HostLocalRangeSet set = HostLocalRangeSet.ofSubnets("10.244.1.0/24");
    HostLocalState state =
        HostLocalState.parse(
            "cbr0",
            Map.of(
                "10.244.1.2", "aaa\r\neth0",
                "10.244.1.9", "bbb\r\neth0",
                "10.244.1.10", "ccc\r\neth0",
                "last_reserved_ip.0", "10.244.1.9"));
    HostLocalAllocator allocator = HostLocalAllocator.restore(set, 0, state);

    assertThat(allocator.allocate("ddd", "eth0").address()).isEqualTo("10.244.1.11/24");
    assertThatThrownBy(() -> allocator.allocate("bbb", "eth0"))
        .isInstanceOf(IpamException.class)
        .hasMessage("10.244.1.9 has been allocated to bbb, duplicate allocation is not allowed");
    assertThat(allocator.state("cbr0").reservations()).hasSize(4);
    assertThat(allocator.state("cbr0").lastReservedIp(0)).contains("10.244.1.11");
  }

  @Test
  void releaseFallsBackToLegacyFilesOnlyWhenNothingElseMatches() {
    HostLocalRangeSet set = HostLocalRangeSet.ofSubnets("10.244.1.0/24");
    HostLocalAllocator allocator =
        HostLocalAllocator.restore(
            set,
            0,
            HostLocalState.parse("cbr0", Map.of("10.244.1.5", "abc", "10.244.1.6", "abc\r\neth0")));

    allocator.release("abc", "eth0");
    assertThat(allocator.state("cbr0").reservations())
        .extracting(HostLocalReservation::ip)
        .containsExactly("10.244.1.5");

    allocator.release("abc", "eth0");
    assertThat(allocator.state("cbr0").reservations()).isEmpty();
  }

  @Test
  void aRequestedGatewayIsRefused() {
    HostLocalAllocator allocator =
        new HostLocalAllocator(HostLocalRangeSet.ofSubnets("10.244.1.0/24"), 0);

    assertThatThrownBy(() -> allocator.allocate("abc", "eth0", "10.244.1.1"))
        .hasMessage("requested ip 10.244.1.1 is subnet's gateway");
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "10.244.1.0/24, -, -, -, 253",
        "10.244.1.0/25, -, -, -, 125",
        "10.244.1.0/26, -, -, -, 61",
        "10.244.1.0/27, -, -, -, 29",
        "10.244.1.0/28, -, -, -, 13",
        "10.244.1.0/29, -, -, -, 5",
        "10.244.1.0/30, -, -, -, 1",
        "2001:db8::/64, -, -, -, 18446744073709551614",
        "2001:db8::/120, -, -, -, 254",
        "2001:db8::/126, -, -, -, 2",
        "192.0.2.0/24, -, -, 192.0.2.254, 253",
        "192.0.2.0/24, 192.0.2.40, 192.0.2.50, 192.0.2.254, 11",
        "192.0.2.0/24, 192.0.2.0, 192.0.2.255, -, 255",
        "192.0.2.0/24, 192.0.2.10, -, -, 245"
      })
  void usablePodIpsPerRange(
      String subnet, String start, String end, String gateway, String usable) {
    // ipam-semantics.md 2.3: 2^(32-p) - 3 for IPv4 and 2^(128-p) - 2 for IPv6 by default.
    assertThat(HostLocalRange.of(subnet, start, end, gateway).usableAddressCount())
        .isEqualTo(new BigInteger(usable));
  }

  @ParameterizedTest
  @CsvSource({
    "10.244.1.0/31, Network 10.244.1.0/31 too small to allocate from",
    "10.244.1.1/32, Network 10.244.1.1/32 too small to allocate from",
    "2001:db8::/127, Network 2001:db8::/127 too small to allocate from",
    "2001:db8::1/128, Network 2001:db8::1/128 too small to allocate from"
  })
  void tooSmallNetworksAreRefused(String subnet, String error) {
    assertThatThrownBy(() -> HostLocalRange.of(subnet))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(error);
  }

  @Test
  void aRangeStartOnTheBroadcastAddressIsRefusedWithAnExplanation() {
    assertThatThrownBy(() -> HostLocalRange.of("192.0.2.0/24", "192.0.2.255", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("RangeStart 192.0.2.255 is after RangeEnd 192.0.2.254");
  }

  @Test
  void exhaustionNamesTheRangeSetAsTheEventShowsIt() {
    HostLocalAllocator allocator =
        new HostLocalAllocator(HostLocalRangeSet.ofSubnets("10.244.1.0/24"), 0);
    for (int i = 0; i < 253; i++) {
      allocator.allocate("c" + i, "eth0");
    }

    IpamException exhausted =
        Assertions.assertThrows(IpamException.class, () -> allocator.allocate("one-more", "eth0"));

    assertThat(exhausted)
        .hasMessage("no IP addresses available in range set: 10.244.1.1-10.244.1.254");
    // ipam-semantics.md 2.5: what the bridge plugin passes on from host-local's ADD.
    assertThat(
            String.format(HostLocalAllocator.ALLOCATE_FAILED_FOR_RANGE, 0, exhausted.getMessage()))
        .isEqualTo(
            "failed to allocate for range 0: no IP addresses available in range set:"
                + " 10.244.1.1-10.244.1.254");
  }
}
