package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** The sweep finds exactly the pairs an O(n²) comparison of address intervals finds. */
class CidrOverlapsPropertyTest {

  private static final Cidr IPV4_AREA = Cidr.parse("10.0.0.0/14");
  private static final Cidr IPV6_AREA = Cidr.parse("fd00:10:244::/110");

  @RepeatedTest(300)
  void sweepEqualsBruteForce(RepetitionInfo repetition) {
    Seeded.run(
        repetition,
        random -> {
          List<Cidr> cidrs = new ArrayList<>();
          int count = random.nextInt(250);
          for (int i = 0; i < count; i++) {
            cidrs.add(randomCidr(random));
          }

          List<BigInteger[]> intervals =
              cidrs.stream().map(CidrOverlapsPropertyTest::interval).toList();
          List<String> expected = new ArrayList<>();
          for (int i = 0; i < cidrs.size(); i++) {
            for (int j = i + 1; j < cidrs.size(); j++) {
              if (cidrs.get(i).family() == cidrs.get(j).family()
                  && intersect(intervals.get(i), intervals.get(j))) {
                expected.add(i + "-" + j);
              }
            }
          }

          assertThat(CidrOverlaps.find(cidrs))
              .extracting(o -> o.firstIndex() + "-" + o.secondIndex())
              .containsExactlyElementsOf(expected);
        });
  }

  /** Mostly small areas, so that nesting and duplicates are common, in both families. */
  private static Cidr randomCidr(Random random) {
    if (random.nextInt(10) < 7) {
      int prefix = IPV4_AREA.prefixLength() + random.nextInt(15);
      return Cidr.of(Seeded.addressIn(random, IPV4_AREA), prefix);
    }
    int prefix = IPV6_AREA.prefixLength() + random.nextInt(17);
    return Cidr.of(Seeded.addressIn(random, IPV6_AREA), prefix);
  }

  /** First and last address from the printed network address and size, not Cidr's own math. */
  private static BigInteger[] interval(Cidr cidr) {
    BigInteger first = Address.parse(cidr.networkAddress()).value();
    return new BigInteger[] {first, first.add(cidr.size()).subtract(BigInteger.ONE)};
  }

  private static boolean intersect(BigInteger[] a, BigInteger[] b) {
    return a[0].compareTo(b[1]) <= 0 && b[0].compareTo(a[1]) <= 0;
  }
}
