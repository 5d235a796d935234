package dev.podnet.cidr;

/**
 * One address host-local handed out: the IP, its subnet's prefix length and the range's gateway, as
 * in the CNI result's {@code IPConfig}.
 */
public record HostLocalAllocation(String ip, int prefixLength, String gateway) {

  /** The address as the CNI result prints it: {@code 192.168.1.2/29}. */
  public String address() {
    return ip + "/" + prefixLength;
  }
}
