package dev.podnet.cidr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrOverlapsTest {

  @Test
  void findsNestedAndDuplicateBlocksAcrossFamilies() {
    List<Cidr> cidrs =
        List.of(
            Cidr.parse("10.244.1.0/24"),
            Cidr.parse("10.244.0.0/16"),
            Cidr.parse("fd00:10:244:1::/64"),
            Cidr.parse("10.244.1.5/24"),
            Cidr.parse("10.245.0.0/24"),
            Cidr.parse("fd00:10:244::/56"));

    assertThat(CidrOverlaps.find(cidrs))
        .extracting(o -> o.firstIndex() + "-" + o.secondIndex())
        .containsExactly("0-1", "0-3", "1-3", "2-5");
  }

  @Test
  void fiveThousandNodePodCidrsWithPlantedConflicts() {
    NodeCidrPool pool = new NodeCidrPool(Cidr.parse("10.0.0.0/10"), 24);
    List<Cidr> podCidrs = new ArrayList<>();
    for (int node = 0; node < 5000; node++) {
      podCidrs.add(pool.allocateNext());
    }
    // A node that re-registered with a stale CIDR, and one whose CIDR was set to a /22 by hand.
    podCidrs.set(4999, podCidrs.get(17));
    podCidrs.set(3000, Cidr.parse(podCidrs.get(3000).networkAddress() + "/22"));

    List<CidrOverlap> overlaps = CidrOverlaps.find(podCidrs);

    assertThat(overlaps)
        .extracting(o -> o.firstIndex() + "-" + o.secondIndex())
        .containsExactly("17-4999", "3000-3001", "3000-3002", "3000-3003");
    assertThat(overlaps.get(0).first().toString()).isEqualTo("10.0.17.0/24");
  }

  @Test
  void nothingOverlapsInAnEmptyOrSingleList() {
    assertThat(CidrOverlaps.find(List.of())).isEmpty();
    assertThat(CidrOverlaps.find(List.of(Cidr.parse("10.0.0.0/8")))).isEmpty();
  }
}
