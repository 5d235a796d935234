package dev.podnet.cidr;

/**
 * One reservation file of host-local's disk store, {@code /var/lib/cni/networks/<net>/<ip>}.
 *
 * @param ip the reserved IP, canonical form (the file name)
 * @param containerId the sandbox's container ID, the file's first line
 * @param ifname the interface name, the file's second line; empty for files written by plugins
 *     older than the {@code <id>\r\n<ifname>} format
 */
public record HostLocalReservation(String ip, String containerId, String ifname) {

  /** Whether the file holds only a container ID, as plugins before the ifname line wrote. */
  public boolean legacyFormat() {
    return ifname.isEmpty();
  }

  /** The file content host-local writes for this reservation. */
  public String fileContent() {
    return legacyFormat() ? containerId : containerId + HostLocalState.LINE_BREAK + ifname;
  }
}
