package dev.podnet.fix.reclaim;

import java.time.Instant;

/**
 * One entry of a host-local state directory that names an IP: a reservation as host-local wrote it,
 * or something else under an IP's name that podnet leaves alone.
 *
 * @param network the network name (the directory's name)
 * @param directory the state directory relative to the node root, e.g. {@code
 *     var/lib/cni/networks/cbr0}
 * @param fileName the entry's name, the IP as host-local wrote it
 * @param ip the IP in canonical form
 * @param containerId the container (sandbox) id, the file's first line; empty when not a regular
 *     file
 * @param ifname the interface name, the second line; empty for files of older plugins
 * @param modified the file's modification time: when host-local reserved the address
 * @param sha256 the hex SHA-256 of the file's bytes, to notice a change before it is moved
 * @param regularFile whether it is a regular file (host-local writes nothing else); links and
 *     directories are never moved
 */
public record ReservationFile(
    String network,
    String directory,
    String fileName,
    String ip,
    String containerId,
    String ifname,
    Instant modified,
    String sha256,
    boolean regularFile) {

  /** The path relative to the node root: the key of its observations. */
  public String path() {
    return directory + "/" + fileName;
  }
}
