package dev.podnet.cidr;

/**
 * Two CIDRs of one input list that share addresses; CIDR blocks overlap only when one contains the
 * other.
 *
 * @param firstIndex position of the earlier one in the input list
 * @param secondIndex position of the later one, always greater than {@code firstIndex}
 */
public record CidrOverlap(int firstIndex, Cidr first, int secondIndex, Cidr second) {}
