package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @Test
  void hostBitsAreMaskedAndTheTextIsKept() {
    Cidr cidr = Cidr.parse("10.244.1.5/24");

    assertThat(cidr.toString()).isEqualTo("10.244.1.0/24");
    assertThat(cidr.text()).isEqualTo("10.244.1.5/24");
    assertThat(cidr.networkAddress()).isEqualTo("10.244.1.0");
    assertThat(cidr.hasHostBits()).isTrue();
    assertThat(cidr.family()).isEqualTo(IpFamily.IPV4);
    assertThat(cidr.prefixLength()).isEqualTo(24);
    assertThat(cidr.size()).isEqualTo(BigInteger.valueOf(256));
    assertThat(cidr).isEqualTo(Cidr.parse("10.244.1.0/24"));
    assertThat(Cidr.parse("10.244.1.0/24").hasHostBits()).isFalse();
  }

  @Test
  void ipv6IsPrintedTheWayGoPrintsIt() {
    Cidr cidr = Cidr.parse("2001:0DB8:85a3::8a2e:0370:7334/50");

    assertThat(cidr.toString()).isEqualTo("2001:db8:85a3::/50");
    assertThat(cidr.family()).isEqualTo(IpFamily.IPV6);
    assertThat(cidr.size()).isEqualTo(BigInteger.ONE.shiftLeft(78));
    assertThat(Cidr.parse("::/0").size()).isEqualTo(BigInteger.ONE.shiftLeft(128));
    assertThat(Cidr.parse("2001:db8:1:0:1::/80").toString()).isEqualTo("2001:db8:1:0:1::/80");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "***HIDDEN***/25",
        "X.X.X.0/16",
        "10.0.0.0",
        "10.0.0.0/",
        "10.0.0.0/33",
        "2001:db8::/129",
        "10.0.0.0/-1",
        "10.0.0.0/+8",
        "10.0.0.0/8 ",
        " 10.0.0.0/8",
        "010.0.0.0/8",
        "10.1/16",
        "10.0.0.256/24",
        "fe80::1%eth0/64",
        "10.0.0.*/24",
        "/24",
        ""
      })
  void refusesWhatGoRefusesNamingTheText(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid CIDR address: " + text);
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/08, 10.0.0.0/8",
    "::ffff:10.0.0.0/104, ::ffff:a00:0/104",
    "0.0.0.0/0, 0.0.0.0/0",
    "192.168.5.219/28, 192.168.5.208/28",
    "2001:db8::1.2.3.4/120, 2001:db8::102:300/120"
  })
  void acceptsWhatGoAccepts(String text, String canonical) {
    assertThat(Cidr.parse(text).toString()).isEqualTo(canonical);
  }

  @Test
  void containmentAndOverlapStayWithinAFamily() {
    Cidr cluster = Cidr.parse("10.244.0.0/16");
    Cidr node = Cidr.parse("10.244.3.0/24");
    Cidr other = Cidr.parse("10.245.0.0/24");
    Cidr v6 = Cidr.parse("::/0");

    assertThat(cluster.contains(node)).isTrue();
    assertThat(node.contains(cluster)).isFalse();
    assertThat(node.overlaps(cluster)).isTrue();
    assertThat(cluster.overlaps(other)).isFalse();
    assertThat(v6.contains(cluster)).isFalse();
    assertThat(v6.overlaps(cluster)).isFalse();
    assertThat(cluster.contains(cluster)).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
    "10.244.0.0/16, 10.244.255.255, true",
    "10.244.0.0/16, 10.245.0.0, false",
    "10.244.0.0/16, ::ffff:10.244.1.1, true",
    "10.244.0.0/16, 2001:db8::1, false",
    "fd00:10:244::/56, fd00:10:244:ff::1, true",
    "fd00:10:244::/56, fd00:10:245::, false"
  })
  void containsAnIp(String cidr, String ip, boolean expected) {
    assertThat(Cidr.parse(cidr).contains(ip)).isEqualTo(expected);
  }

  @Test
  void anUnparseableIpIsNamed() {
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/8").contains("10.0.0.x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid IP address: 10.0.0.x");
  }

  @Test
  void ordersByFamilyThenAddressThenWidestFirst() {
    assertThat(
            Stream.of("fd00::/8", "10.0.1.0/24", "10.0.0.0/16", "10.0.0.0/24")
                .map(Cidr::parse)
                .sorted()
                .map(Cidr::toString))
        .containsExactly("10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24", "fd00::/8");
  }
}
