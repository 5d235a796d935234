package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** Node-CIDR counting and allocation against brute force, IPv4 and IPv6. */
class NodeCidrPoolPropertyTest {

  @RepeatedTest(300)
  void nodeCidrCountEqualsEnumeration(RepetitionInfo repetition) {
    Seeded.run(
        repetition,
        random -> {
          IpFamily family = Seeded.family(random);
          int hostBits = random.nextInt(13);
          int clusterPrefix = family.bits() - hostBits;
          Cidr cluster = Seeded.randomBlock(random, family, clusterPrefix);
          int nodeMask = clusterPrefix + random.nextInt(hostBits + 1);

          Set<BigInteger> blocks = new HashSet<>();
          for (BigInteger a = cluster.first();
              a.compareTo(cluster.last()) <= 0;
              a = a.add(BigInteger.ONE)) {
            blocks.add(a.shiftRight(family.bits() - nodeMask));
          }
          NodeCidrPool pool = new NodeCidrPool(cluster, nodeMask);
          assertThat(pool.maxNodeCidrs()).as("%s /%d", cluster, nodeMask).isEqualTo(blocks.size());

          Set<Cidr> allocated = new HashSet<>();
          for (int i = 0; i < blocks.size(); i++) {
            Cidr next = pool.allocateNext();
            assertThat(cluster.contains(next)).as("%s inside %s", next, cluster).isTrue();
            assertThat(next.prefixLength()).isEqualTo(nodeMask);
            assertThat(allocated.add(next)).as("%s handed out twice", next).isTrue();
          }
          assertThatThrownBy(pool::allocateNext).hasMessage(NodeCidrPool.NO_REMAINING_CIDRS);
        });
  }

  @RepeatedTest(300)
  void onlyIpv6HasTheSixteenBitLimit(RepetitionInfo repetition) {
    Seeded.run(
        repetition,
        random -> {
          IpFamily family = Seeded.family(random);
          int clusterPrefix = random.nextInt(family.bits() + 1);
          int nodeMask = random.nextInt(family.bits() + 1);
          Cidr cluster = Seeded.randomBlock(random, family, clusterPrefix);
          if (nodeMask < clusterPrefix) {
            assertThatThrownBy(() -> new NodeCidrPool(cluster, nodeMask))
                .hasMessage(NodeCidrPool.CLUSTER_MASK_TOO_LONG);
          } else if (family == IpFamily.IPV6 && nodeMask - clusterPrefix > 16) {
            assertThatThrownBy(() -> new NodeCidrPool(cluster, nodeMask))
                .hasMessage(NodeCidrPool.NODE_CIDR_TOO_BIG);
          } else {
            BigInteger blockSize = BigInteger.ONE.shiftLeft(family.bits() - nodeMask);
            assertThat(BigInteger.valueOf(new NodeCidrPool(cluster, nodeMask).maxNodeCidrs()))
                .isEqualTo(cluster.size().divide(blockSize));
          }
        });
  }

  /**
   * Random AllocateNext, Occupy and Release against a model that keeps upstream's bitmap as a
   * boolean array and scans it the way {@code cidrset} does.
   */
  @RepeatedTest(300)
  void allocationMatchesABitmapModel(RepetitionInfo repetition) {
    Seeded.run(
        repetition,
        random -> {
          IpFamily family = Seeded.family(random);
          int clusterPrefix = family.bits() - 8 - random.nextInt(9);
          int nodeMask = clusterPrefix + random.nextInt(9);
          Cidr cluster = Seeded.randomBlock(random, family, clusterPrefix);
          NodeCidrPool pool = new NodeCidrPool(cluster, nodeMask);
          Bitmap model = new Bitmap(cluster, nodeMask);

          for (int step = 0; step < 200; step++) {
            int operation = random.nextInt(10);
            if (operation < 5) {
              int expected = model.allocateNext();
              if (expected < 0) {
                assertThatThrownBy(pool::allocateNext).hasMessage(NodeCidrPool.NO_REMAINING_CIDRS);
              } else {
                assertThat(pool.allocateNext())
                    .as("step %d", step)
                    .isEqualTo(model.cidrAt(expected));
              }
            } else {
              Cidr target = randomTarget(random, cluster, nodeMask);
              boolean occupy = operation < 8;
              if (!cluster.overlaps(target)) {
                assertThatThrownBy(() -> occupyOrRelease(pool, target, occupy))
                    .isInstanceOf(IpamException.class)
                    .hasMessage("cidr " + target + " is out the range of cluster cidr " + cluster);
              } else if (occupy) {
                pool.occupy(target);
                model.set(target, true);
              } else {
                pool.release(target);
                model.set(target, false);
              }
            }
            assertThat(pool.allocatedCount()).as("step %d", step).isEqualTo(model.count());
          }
        });
  }

  private static void occupyOrRelease(NodeCidrPool pool, Cidr target, boolean occupy) {
    if (occupy) {
      pool.occupy(target);
    } else {
      pool.release(target);
    }
  }

  /** A CIDR from two bits wider than the cluster to two bits longer than a node block. */
  private static Cidr randomTarget(Random random, Cidr cluster, int nodeMask) {
    int bits = cluster.family().bits();
    int widest = Math.max(0, cluster.prefixLength() - 2);
    int prefix = Math.min(bits, widest + random.nextInt(nodeMask + 3 - widest));
    Cidr around =
        random.nextInt(8) == 0
            ? Seeded.randomBlock(random, cluster.family(), Math.max(0, cluster.prefixLength() - 1))
            : cluster;
    return Cidr.of(Seeded.addressIn(random, around), prefix);
  }

  /** Upstream's uncompressed bitmap and round-robin scan. */
  private static final class Bitmap {
    private final Cidr cluster;
    private final int nodeMask;
    private final boolean[] used;
    private int next;

    Bitmap(Cidr cluster, int nodeMask) {
      this.cluster = cluster;
      this.nodeMask = nodeMask;
      this.used = new boolean[1 << (nodeMask - cluster.prefixLength())];
    }

    int allocateNext() {
      for (int i = 0; i < used.length; i++) {
        int candidate = (next + i) % used.length;
        if (!used[candidate]) {
          used[candidate] = true;
          next = (candidate + 1) % used.length;
          return candidate;
        }
      }
      return -1;
    }

    /** Sets every node block that shares an address with the target. */
    void set(Cidr target, boolean value) {
      BigInteger blockSize = BigInteger.ONE.shiftLeft(cluster.family().bits() - nodeMask);
      for (int index = 0; index < used.length; index++) {
        BigInteger first = cluster.first().add(blockSize.multiply(BigInteger.valueOf(index)));
        BigInteger last = first.add(blockSize).subtract(BigInteger.ONE);
        if (first.compareTo(target.last()) <= 0 && target.first().compareTo(last) <= 0) {
          used[index] = value;
        }
      }
    }

    Cidr cidrAt(int index) {
      BigInteger offset = BigInteger.valueOf(index).shiftLeft(cluster.family().bits() - nodeMask);
      return Cidr.of(new Address(cluster.family(), cluster.first().add(offset)), nodeMask);
    }

    long count() {
      long count = 0;
      for (boolean bit : used) {
        count += bit ? 1 : 0;
      }
      return count;
    }
  }
}
