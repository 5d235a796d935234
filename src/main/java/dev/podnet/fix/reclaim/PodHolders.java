package dev.podnet.fix.reclaim;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The addresses that pods of the node hold according to the API, or why the API could not be read.
 *
 * @param byIp address (canonical) to the {@code namespace/name} of a non-terminated pod that has it
 *     in {@code status.podIPs}; empty when {@code problem} is set
 * @param source where the pods came from, e.g. {@code live kind-kind} or {@code snapshot-dir DIR}
 * @param pods how many pods of the node were read
 * @param problem why the pods could not be read, or null
 */
public record PodHolders(Map<String, String> byIp, String source, int pods, String problem) {
  public PodHolders {
    Map<String, String> canonical = new TreeMap<>();
    byIp.forEach(
        (ip, pod) -> canonical.merge(canonical(ip), pod, (a, b) -> a.compareTo(b) <= 0 ? a : b));
    byIp = java.util.Collections.unmodifiableMap(canonical);
  }

  public static PodHolders unreadable(String source, String problem) {
    return new PodHolders(Map.of(), source, 0, problem);
  }

  /** The pod holding this address, if the API was read and one does. */
  public Optional<String> holder(String ip) {
    return Optional.ofNullable(byIp.get(canonical(ip)));
  }

  /**
   * One spelling per address, so that {@code 2001:db8::a} in a pod's status and {@code
   * 2001:db8:0::a} anywhere else compare equal; text that is not an address is kept as is.
   */
  public static String canonical(String ip) {
    IPAddress address = new IPAddressString(ip.strip()).getAddress();
    if (address == null) {
      return ip.strip();
    }
    if (address instanceof IPv6Address v6 && v6.isIPv4Mapped()) {
      return v6.getEmbeddedIPv4Address().toCanonicalString();
    }
    return address.withoutPrefixLength().toCanonicalString();
  }
}
