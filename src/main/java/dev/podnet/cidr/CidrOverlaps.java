package dev.podnet.cidr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Finds every overlapping pair among many CIDRs (the podCIDRs of 5,000 nodes) in {@code O(n log n +
 * pairs)}: sorted by start address, widest first, one sweep keeps the chain of blocks that contain
 * the current one. This works because two CIDR blocks are either nested or disjoint.
 */
public final class CidrOverlaps {

  private CidrOverlaps() {}

  /** Overlapping pairs, ordered by first index, then second index. */
  public static List<CidrOverlap> find(List<Cidr> cidrs) {
    Integer[] order = new Integer[cidrs.size()];
    Arrays.setAll(order, i -> i);
    Arrays.sort(
        order,
        Comparator.<Integer, Cidr>comparing(cidrs::get).thenComparing(Comparator.naturalOrder()));
    List<CidrOverlap> overlaps = new ArrayList<>();
    Deque<Integer> containing = new ArrayDeque<>();
    for (int index : order) {
      Cidr current = cidrs.get(index);
      while (!containing.isEmpty() && !cidrs.get(containing.peek()).contains(current)) {
        containing.pop();
      }
      for (int outer : containing) {
        overlaps.add(pair(cidrs, outer, index));
      }
      containing.push(index);
    }
    overlaps.sort(
        Comparator.comparingInt(CidrOverlap::firstIndex)
            .thenComparingInt(CidrOverlap::secondIndex));
    return overlaps;
  }

  private static CidrOverlap pair(List<Cidr> cidrs, int a, int b) {
    int low = Math.min(a, b);
    int high = Math.max(a, b);
    return new CidrOverlap(low, cidrs.get(low), high, cidrs.get(high));
  }
}
