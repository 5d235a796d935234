package dev.podnet.cidr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The content of one host-local network directory, {@code /var/lib/cni/networks/<network>/}, parsed
 * from file names and contents (the caller reads the files; this does no I/O).
 *
 * <p>The format ({@code plugins/ipam/host-local/backend/disk/backend.go}): one file per reserved IP
 * named by the IP ({@code :} written as {@code _} on Windows) holding {@code
 * <containerID>\r\n<ifname>} without a trailing newline, or just the container ID from older
 * plugins; {@code last_reserved_ip.<rangeID>} holding the last reserved IP of range set {@code
 * rangeID}; and the {@code lock} file.
 *
 * @param network the network name (the directory name, the CNI config's {@code name})
 * @param reservations reserved IPs, ordered by family then address
 * @param lastReservedIps range-set index (the file suffix) to the file content, unchanged
 * @param lockFilePresent whether the {@code lock} file exists
 * @param otherFiles names of files that are none of the above, sorted
 */
public record HostLocalState(
    String network,
    List<HostLocalReservation> reservations,
    Map<String, String> lastReservedIps,
    boolean lockFilePresent,
    List<String> otherFiles) {

  static final String LINE_BREAK = "\r\n";
  static final String LAST_RESERVED_PREFIX = "last_reserved_ip.";
  static final String LOCK_FILE = "lock";

  public HostLocalState {
    reservations = List.copyOf(reservations);
    lastReservedIps = Map.copyOf(lastReservedIps);
    otherFiles = List.copyOf(otherFiles);
  }

  /**
   * Parses a directory listing.
   *
   * @param filesByName file name (not path) to file content
   */
  public static HostLocalState parse(String network, Map<String, String> filesByName) {
    List<Map.Entry<Address, HostLocalReservation>> reserved = new ArrayList<>();
    Map<String, String> lastReserved = new TreeMap<>();
    List<String> others = new ArrayList<>();
    boolean lock = false;
    for (Map.Entry<String, String> file : new TreeMap<>(filesByName).entrySet()) {
      String name = file.getKey();
      if (name.equals(LOCK_FILE)) {
        lock = true;
      } else if (name.startsWith(LAST_RESERVED_PREFIX)) {
        lastReserved.put(name.substring(LAST_RESERVED_PREFIX.length()), file.getValue());
      } else {
        Optional<Address> ip = parseIp(name.replace('_', ':'));
        if (ip.isPresent()) {
          reserved.add(Map.entry(ip.get(), reservation(ip.get(), file.getValue())));
        } else {
          others.add(name);
        }
      }
    }
    reserved.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    return new HostLocalState(
        network, reserved.stream().map(Map.Entry::getValue).toList(), lastReserved, lock, others);
  }

  /**
   * The last reserved IP of a range set as host-local reads it: the content must be an IP as is,
   * untrimmed ({@code net.ParseIP}); otherwise host-local ignores it and starts from the range
   * start.
   */
  public Optional<String> lastReservedIp(int rangeId) {
    return Optional.ofNullable(lastReservedIps.get(Integer.toString(rangeId)))
        .flatMap(HostLocalState::parseIp)
        .map(Address::toString);
  }

  /** Reservations held by one container, legacy files included, as {@code GetByID} finds them. */
  public List<HostLocalReservation> reservationsOf(String containerId, String ifname) {
    String match = containerId.strip() + LINE_BREAK + ifname;
    String legacy = containerId.strip();
    return reservations.stream()
        .filter(r -> r.fileContent().equals(match) || r.fileContent().equals(legacy))
        .toList();
  }

  private static HostLocalReservation reservation(Address ip, String content) {
    String trimmed = content.strip();
    int lineBreak = trimmed.indexOf(LINE_BREAK);
    return lineBreak < 0
        ? new HostLocalReservation(ip.toString(), trimmed, "")
        : new HostLocalReservation(
            ip.toString(),
            trimmed.substring(0, lineBreak),
            trimmed.substring(lineBreak + LINE_BREAK.length()));
  }

  private static Optional<Address> parseIp(String text) {
    try {
      return Optional.of(Address.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
