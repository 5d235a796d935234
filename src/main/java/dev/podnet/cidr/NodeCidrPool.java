package dev.podnet.cidr;

import java.math.BigInteger;
import java.util.List;

/**
 * The node-CIDR allocator of one cluster CIDR, as kube-controller-manager's {@code cidrset} ({@code
 * pkg/controller/nodeipam/ipam/cidrset}) runs it: one node CIDR per index, round-robin {@link
 * #allocateNext()}, {@link #occupy}/{@link #release} of any prefix, and upstream's error texts.
 *
 * <p>Round-robin matters for diagnosis: after a release the freed CIDR is not handed out again
 * until the scan wraps round to it, so a re-registered node usually gets a different podCIDR. Not
 * thread-safe; one instance models one controller's in-memory state.
 */
public final class NodeCidrPool {

  /** {@code ErrCIDRRangeNoCIDRsRemaining}: AllocateNext on a full set. */
  public static final String NO_REMAINING_CIDRS =
      "CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range";

  /**
   * {@code ErrCIDRSetSubNetTooBig}: an IPv6 node mask more than 16 bits longer than the cluster's.
   */
  public static final String NODE_CIDR_TOO_BIG =
      "New CIDR set failed; the node CIDR size is too big";

  /** NewNodeIpamController's error for a cluster mask longer than the node mask. */
  public static final String CLUSTER_MASK_TOO_LONG =
      "Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to"
          + " --node-cidr-mask-size configured for CIDR family";

  /** {@code clusterSubnetMaxDiff}: the IPv6-only limit of node mask minus cluster mask. */
  public static final int MAX_IPV6_MASK_DIFFERENCE = 16;

  private final Cidr clusterCidr;
  private final int nodeMaskSize;
  private final long maxCidrs;
  private final UsedIndexSet used = new UsedIndexSet();
  private long allocated;
  private long nextCandidate;
  private long allocations;
  private long releases;
  private long allocationTries;

  /**
   * A pool with nothing allocated. The checks run in upstream's order: the controller's mask check
   * first, then {@code NewCIDRSet}'s IPv6 difference limit.
   *
   * @throws IllegalArgumentException {@link #CLUSTER_MASK_TOO_LONG} or {@link #NODE_CIDR_TOO_BIG};
   *     a node mask wider than the address is refused with podnet's own text (upstream does not
   *     check it and misbehaves)
   */
  public NodeCidrPool(Cidr clusterCidr, int nodeMaskSize) {
    int bits = clusterCidr.family().bits();
    if (nodeMaskSize < 0 || nodeMaskSize > bits) {
      throw new IllegalArgumentException(
          "node CIDR mask size " + nodeMaskSize + " is outside 0.." + bits + " for " + clusterCidr);
    }
    if (clusterCidr.prefixLength() > nodeMaskSize) {
      throw new IllegalArgumentException(CLUSTER_MASK_TOO_LONG);
    }
    int difference = nodeMaskSize - clusterCidr.prefixLength();
    if (clusterCidr.family() == IpFamily.IPV6 && difference > MAX_IPV6_MASK_DIFFERENCE) {
      throw new IllegalArgumentException(NODE_CIDR_TOO_BIG);
    }
    this.clusterCidr = clusterCidr.withPrefixLength(clusterCidr.prefixLength());
    this.nodeMaskSize = nodeMaskSize;
    this.maxCidrs = 1L << difference;
  }

  /** How many node CIDRs a cluster CIDR yields: {@code 2^(nodeMask - clusterMask)}. */
  public static long nodeCidrCount(Cidr clusterCidr, int nodeMaskSize) {
    return new NodeCidrPool(clusterCidr, nodeMaskSize).maxNodeCidrs();
  }

  public Cidr clusterCidr() {
    return clusterCidr;
  }

  public int nodeMaskSize() {
    return nodeMaskSize;
  }

  /** {@code maxCIDRs}: node CIDRs in the cluster CIDR, used or not. */
  public long maxNodeCidrs() {
    return maxCidrs;
  }

  /** {@code allocatedCIDRs}: allocated plus occupied node CIDRs. */
  public long allocatedCount() {
    return allocated;
  }

  public long freeCount() {
    return maxCidrs - allocated;
  }

  /**
   * Allocates the first free node CIDR at or after the one following the last allocation, wrapping
   * round once.
   *
   * @throws IpamException {@link #NO_REMAINING_CIDRS}
   */
  public Cidr allocateNext() {
    if (allocated == maxCidrs) {
      throw new IpamException(NO_REMAINING_CIDRS);
    }
    long candidate = used.firstFreeFrom(nextCandidate, maxCidrs);
    if (candidate < 0) {
      candidate = used.firstFreeFrom(0, nextCandidate);
    }
    long tries = Math.floorMod(candidate - nextCandidate, maxCidrs);
    nextCandidate = (candidate + 1) % maxCidrs;
    used.add(candidate, candidate);
    allocated++;
    allocations++;
    allocationTries += tries;
    return cidrAt(candidate);
  }

  /**
   * Marks every node CIDR that {@code cidr} covers as used (all of them when {@code cidr} contains
   * the cluster CIDR); already used ones are not counted twice. Does not move the round-robin
   * position.
   *
   * @throws IpamException {@code cidr <cidr> is out the range of cluster cidr <cluster>}
   */
  public void occupy(Cidr cidr) {
    long[] range = indexRange(cidr);
    long flipped = used.add(range[0], range[1]);
    allocated += flipped;
    allocations += flipped;
  }

  /**
   * Frees every node CIDR that {@code cidr} covers; freeing a free one changes nothing.
   *
   * @throws IpamException {@code cidr <cidr> is out the range of cluster cidr <cluster>}
   */
  public void release(Cidr cidr) {
    long[] range = indexRange(cidr);
    long flipped = used.remove(range[0], range[1]);
    allocated -= flipped;
    releases += flipped;
  }

  /** Whether the node CIDR holding {@code cidr}'s network address is in use. */
  public boolean isUsed(Cidr cidr) {
    return used.contains(indexOf(cidr));
  }

  /**
   * {@code getIndexForIP}: the index of the node CIDR holding {@code cidr}'s network address.
   *
   * @throws IpamException {@code CIDR: <ip>/<nodeMask> is out of the range of CIDR allocator}
   */
  long indexOf(Cidr cidr) {
    return indexOf(cidr.network());
  }

  /** {@code indexToCIDRBlock}: the node CIDR at {@code index}. */
  Cidr cidrAt(long index) {
    BigInteger offset = BigInteger.valueOf(index).shiftLeft(hostBits());
    return Cidr.of(new Address(clusterCidr.family(), clusterCidr.first().or(offset)), nodeMaskSize);
  }

  /** Used node-CIDR indices as ascending inclusive runs, for tests that compare bitmaps. */
  List<long[]> usedIndexRuns() {
    return used.runs();
  }

  /** {@code cidrset_cidrs_allocations_total}: bits set by AllocateNext and Occupy. */
  long allocationsMetric() {
    return allocations;
  }

  /** {@code cidrset_cidrs_releases_total}: bits cleared by Release. */
  long releasesMetric() {
    return releases;
  }

  /** Sum of {@code cidrset_allocation_tries_per_request}: used CIDRs skipped by AllocateNext. */
  long allocationTriesMetric() {
    return allocationTries;
  }

  /** {@code cidrset_usage_cidrs}: allocated divided by max. */
  double usageMetric() {
    return (double) allocated / (double) maxCidrs;
  }

  private long indexOf(Address address) {
    BigInteger index = clusterCidr.first().xor(address.value()).shiftRight(hostBits());
    if (address.family() != clusterCidr.family()
        || index.compareTo(BigInteger.valueOf(maxCidrs)) >= 0) {
      throw new IpamException(
          "CIDR: " + address + "/" + nodeMaskSize + " is out of the range of CIDR allocator");
    }
    return index.longValueExact();
  }

  /** {@code getBeginningAndEndIndices}. */
  private long[] indexRange(Cidr cidr) {
    if (!clusterCidr.overlaps(cidr)) {
      throw new IpamException("cidr " + cidr + " is out the range of cluster cidr " + clusterCidr);
    }
    if (clusterCidr.prefixLength() >= cidr.prefixLength()) {
      return new long[] {0, maxCidrs - 1};
    }
    return new long[] {indexOf(cidr.network()), indexOf(cidr.lastAddress())};
  }

  private int hostBits() {
    return clusterCidr.family().bits() - nodeMaskSize;
  }
}
