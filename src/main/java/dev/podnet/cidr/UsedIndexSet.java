package dev.podnet.cidr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The set of used node-CIDR indices of one cluster CIDR, kept as disjoint inclusive runs so that
 * occupying a /8 of /32s (2^24 indices) costs one entry, not 2^24 bits as upstream's bitmap does.
 */
final class UsedIndexSet {
  /** Run start to run end, both inclusive; runs neither overlap nor touch. */
  private final TreeMap<Long, Long> runs = new TreeMap<>();

  /** Marks {@code [from, to]} used and returns how many indices were free before. */
  long add(long from, long to) {
    long alreadyUsed = countUsed(from, to);
    long start = from;
    long end = to;
    Map.Entry<Long, Long> before = runs.floorEntry(from);
    if (before != null && before.getValue() >= from - 1) {
      start = before.getKey();
      end = Math.max(end, before.getValue());
    }
    Map.Entry<Long, Long> next = runs.ceilingEntry(start);
    while (next != null && next.getKey() <= end + 1) {
      end = Math.max(end, next.getValue());
      runs.remove(next.getKey());
      next = runs.ceilingEntry(start);
    }
    runs.put(start, end);
    return (to - from + 1) - alreadyUsed;
  }

  /** Marks {@code [from, to]} free and returns how many indices were used before. */
  long remove(long from, long to) {
    long wasUsed = countUsed(from, to);
    Map.Entry<Long, Long> before = runs.lowerEntry(from);
    if (before != null && before.getValue() >= from) {
      runs.put(before.getKey(), from - 1);
      if (before.getValue() > to) {
        runs.put(to + 1, before.getValue());
      }
    }
    Map.Entry<Long, Long> inside = runs.ceilingEntry(from);
    while (inside != null && inside.getKey() <= to) {
      runs.remove(inside.getKey());
      if (inside.getValue() > to) {
        runs.put(to + 1, inside.getValue());
      }
      inside = runs.ceilingEntry(from);
    }
    return wasUsed;
  }

  boolean contains(long index) {
    Map.Entry<Long, Long> run = runs.floorEntry(index);
    return run != null && run.getValue() >= index;
  }

  /** The first free index at or after {@code from} and below {@code limit}, or -1. */
  long firstFreeFrom(long from, long limit) {
    long candidate = from;
    Map.Entry<Long, Long> run = runs.floorEntry(candidate);
    if (run != null && run.getValue() >= candidate) {
      candidate = run.getValue() + 1;
    }
    return candidate < limit ? candidate : -1;
  }

  /** The used runs, ascending, each as {@code {first, last}}. */
  List<long[]> runs() {
    List<long[]> result = new ArrayList<>();
    runs.forEach((start, end) -> result.add(new long[] {start, end}));
    return result;
  }

  private long countUsed(long from, long to) {
    long count = 0;
    Map.Entry<Long, Long> run = runs.floorEntry(from);
    Long key = run != null && run.getValue() >= from ? run.getKey() : runs.ceilingKey(from);
    while (key != null && key <= to) {
      long end = runs.get(key);
      count += Math.min(end, to) - Math.max(key, from) + 1;
      key = runs.higherKey(key);
    }
    return count;
  }
}
