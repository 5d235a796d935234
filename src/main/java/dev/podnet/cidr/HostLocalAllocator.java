package dev.podnet.cidr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * host-local's {@code IPAllocator} for one range set over an in-memory copy of the network
 * directory: round-robin from {@code last_reserved_ip.<rangeID>} + 1, skipping the gateway, moving
 * from one range to the next and wrapping, with upstream's error texts.
 *
 * <p>Not thread-safe; upstream serialises callers with the directory's {@code lock} file.
 */
public final class HostLocalAllocator {

  /**
   * The range set has no free address; {@code %s} is the set, e.g. {@code 10.244.1.1-10.244.1.254}.
   */
  public static final String NO_ADDRESSES_AVAILABLE = "no IP addresses available in range set: %s";

  /** How host-local's ADD wraps a range set's error; {@code %d} is the range set's index. */
  public static final String ALLOCATE_FAILED_FOR_RANGE = "failed to allocate for range %d: %s";

  /** A requested IP that is already reserved: the IP, then the range set. */
  public static final String REQUESTED_IP_NOT_AVAILABLE =
      "requested IP address %s is not available in range set %s";

  /** A requested IP outside every range of the set: the IP, then the range set. */
  public static final String NOT_IN_RANGE_SET = "%s not in range set %s";

  public static final String REQUESTED_IP_IS_GATEWAY = "requested ip %s is subnet's gateway";

  /** The container already holds an address of this range set: the IP, then the container ID. */
  public static final String DUPLICATE_ALLOCATION =
      "%s has been allocated to %s, duplicate allocation is not allowed";

  private final HostLocalRangeSet rangeSet;
  private final int rangeId;

  /** Every reservation file of the network directory, all range sets: IP to file content. */
  private final TreeMap<Address, String> files = new TreeMap<>();

  private Address lastReserved;

  /** An allocator over an empty network directory. */
  public HostLocalAllocator(HostLocalRangeSet rangeSet, int rangeId) {
    this.rangeSet = rangeSet;
    this.rangeId = rangeId;
  }

  /** An allocator that continues from a network directory as found on a node. */
  public static HostLocalAllocator restore(
      HostLocalRangeSet rangeSet, int rangeId, HostLocalState state) {
    HostLocalAllocator allocator = new HostLocalAllocator(rangeSet, rangeId);
    for (HostLocalReservation reservation : state.reservations()) {
      allocator.files.put(Address.parse(reservation.ip()), reservation.fileContent());
    }
    allocator.lastReserved = state.lastReservedIp(rangeId).map(Address::parse).orElse(null);
    return allocator;
  }

  /**
   * {@code IPAllocator.Get} without a requested IP.
   *
   * @throws IpamException {@code <ip> has been allocated to <id>, duplicate allocation is not
   *     allowed} or {@code no IP addresses available in range set: <set>}
   */
  public HostLocalAllocation allocate(String containerId, String ifname) {
    for (Address held : heldBy(containerId, ifname)) {
      if (rangeSet.rangeFor(held) >= 0) {
        throw new IpamException(String.format(DUPLICATE_ALLOCATION, held, containerId));
      }
    }
    RangeIterator candidates = new RangeIterator();
    for (Address candidate = candidates.next(); candidate != null; candidate = candidates.next()) {
      if (reserve(containerId, ifname, candidate)) {
        return allocation(candidate, candidates.rangeIndex);
      }
    }
    throw new IpamException(String.format(NO_ADDRESSES_AVAILABLE, rangeSet));
  }

  /**
   * {@code IPAllocator.Get} with a requested IP ({@code IP=} in CNI_ARGS, {@code args.cni.ips},
   * {@code runtimeConfig.ips}). No duplicate check, as upstream.
   *
   * @throws IpamException {@code <ip> not in range set <set>}, {@code requested ip <ip> is subnet's
   *     gateway}, {@code requested IP address <ip> is not available in range set <set>}
   */
  public HostLocalAllocation allocate(String containerId, String ifname, String requestedIp) {
    Address requested = Address.parse(requestedIp);
    int range = rangeSet.rangeFor(requested);
    if (range < 0) {
      throw new IpamException(String.format(NOT_IN_RANGE_SET, requested, rangeSet));
    }
    if (requested.equals(rangeSet.ranges().get(range).gatewayAddress())) {
      throw new IpamException(String.format(REQUESTED_IP_IS_GATEWAY, requested));
    }
    if (!reserve(containerId, ifname, requested)) {
      throw new IpamException(String.format(REQUESTED_IP_NOT_AVAILABLE, requested, rangeSet));
    }
    return allocation(requested, range);
  }

  /**
   * {@code ReleaseByID}: deletes every file holding {@code <id>\r\n<ifname>}; only when there is
   * none, every file holding just {@code <id>} (legacy format). The last reserved IP stays.
   */
  public void release(String containerId, String ifname) {
    String match = containerId.strip() + HostLocalState.LINE_BREAK + ifname;
    if (!files.values().removeIf(content -> content.strip().equals(match))) {
      String legacy = containerId.strip();
      files.values().removeIf(content -> content.strip().equals(legacy));
    }
  }

  /** The content of {@code last_reserved_ip.<rangeID>}, if any. */
  public Optional<String> lastReservedIp() {
    return Optional.ofNullable(lastReserved).map(Address::toString);
  }

  /** The network directory as it would be now. */
  public HostLocalState state(String network) {
    Map<String, String> directory = new TreeMap<>();
    files.forEach((ip, content) -> directory.put(ip.toString(), content));
    if (lastReserved != null) {
      directory.put(HostLocalState.LAST_RESERVED_PREFIX + rangeId, lastReserved.toString());
    }
    directory.put(HostLocalState.LOCK_FILE, "");
    return HostLocalState.parse(network, directory);
  }

  /**
   * {@code Store.Reserve}: creates the IP's file unless it exists and records the IP as last
   * reserved; false when the IP is already reserved.
   */
  boolean reserve(String containerId, String ifname, String ip) {
    return reserve(containerId, ifname, Address.parse(ip));
  }

  /** The order in which {@code RangeIter} offers addresses now, reservations ignored. */
  List<String> candidateOrder(int limit) {
    List<String> order = new ArrayList<>();
    RangeIterator candidates = new RangeIterator();
    for (Address candidate = candidates.next();
        candidate != null && order.size() < limit;
        candidate = candidates.next()) {
      order.add(candidate.toString());
    }
    return order;
  }

  private boolean reserve(String containerId, String ifname, Address ip) {
    if (files.containsKey(ip)) {
      return false;
    }
    files.put(ip, containerId.strip() + HostLocalState.LINE_BREAK + ifname);
    lastReserved = ip;
    return true;
  }

  private List<Address> heldBy(String containerId, String ifname) {
    String match = containerId.strip() + HostLocalState.LINE_BREAK + ifname;
    String legacy = containerId.strip();
    List<Address> held = new ArrayList<>();
    files.forEach(
        (ip, content) -> {
          String trimmed = content.strip();
          if (trimmed.equals(match) || trimmed.equals(legacy)) {
            held.add(ip);
          }
        });
    return held;
  }

  private HostLocalAllocation allocation(Address ip, int range) {
    HostLocalRange owner = rangeSet.ranges().get(range);
    return new HostLocalAllocation(ip.toString(), owner.subnet().prefixLength(), owner.gateway());
  }

  /** {@code RangeIter}, step for step: the cursor, the range it is in, and where it started. */
  private final class RangeIterator {
    private int rangeIndex;
    private Address current;
    private Address startIp;

    RangeIterator() {
      List<HostLocalRange> ranges = rangeSet.ranges();
      int holding = lastReserved == null ? -1 : rangeSet.rangeFor(lastReserved);
      if (holding >= 0) {
        rangeIndex = holding;
        current = lastReserved;
      } else {
        rangeIndex = 0;
        startIp = ranges.get(0).start();
      }
    }

    /** The next candidate, or null once the iterator is back where it started. */
    Address next() {
      List<HostLocalRange> ranges = rangeSet.ranges();
      while (true) {
        HostLocalRange range = ranges.get(rangeIndex);
        if (current == null) {
          current = range.start();
          startIp = current;
          if (!current.equals(range.gatewayAddress())) {
            return current;
          }
          continue;
        }
        if (current.equals(range.end())) {
          rangeIndex = (rangeIndex + 1) % ranges.size();
          range = ranges.get(rangeIndex);
          current = range.start();
        } else {
          current = current.next();
        }
        if (startIp == null) {
          startIp = current;
        } else if (current.equals(startIp)) {
          return null;
        }
        if (!current.equals(range.gatewayAddress())) {
          return current;
        }
      }
    }
  }
}
