package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.cidr.HostLocalRangeSet;
import dev.podnet.cidr.HostLocalReservation;
import dev.podnet.cidr.HostLocalState;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * host-local's on-disk state against the loaded config's ranges and the runtime's sandboxes:
 * capacity, reserved addresses, and reservations whose sandbox is gone or stopped (leaked).
 */
final class HostLocalCheck {
  static final String ID = "node-host-local";

  /** Leaked files quoted one by one in a finding; the rest are counted. */
  static final int EVIDENCE_FILES = 10;

  private HostLocalCheck() {}

  /** A reservation and what the runtime knows of its sandbox. */
  record Holder(HostLocalReservation reservation, Optional<Sandboxes.Sandbox> sandbox) {
    boolean leaked() {
      return sandbox.isEmpty() || !sandbox.get().ready();
    }
  }

  /**
   * One row of the table.
   *
   * @param stateKnown whether the network's state directory was there to read (absent from a live
   *     node means nothing is reserved; absent from a snapshot means not collected)
   * @param rangeSetIndex the index host-local names in {@code failed to allocate for range <i>}, or
   *     -1 for state outside the loaded config's ranges
   */
  record Row(
      String network,
      String directory,
      int rangeSetIndex,
      String range,
      BigInteger capacity,
      List<Holder> holders,
      boolean stateKnown,
      boolean leaksKnown) {
    /** Reservations whose sandbox is gone or stopped; 0 when the sandboxes are unknown. */
    long leaked() {
      return leaksKnown ? holders.stream().filter(Holder::leaked).count() : 0;
    }
  }

  /**
   * Builds the rows: one per range set of every host-local network of the loaded config, one for
   * reservations outside those ranges, one per other state directory.
   *
   * @param states state directory (relative path) to its parsed content
   */
  static List<Row> rows(
      List<HostLocalNetwork> networks,
      Map<String, HostLocalState> states,
      Optional<Sandboxes> sandboxes,
      boolean live) {
    List<Row> rows = new ArrayList<>();
    Map<String, HostLocalState> unclaimed = new TreeMap<>(states);
    for (HostLocalNetwork network : networks) {
      HostLocalState state = unclaimed.remove(network.stateDirectory());
      boolean known = state != null || live;
      List<HostLocalReservation> reservations = state == null ? List.of() : state.reservations();
      List<HostLocalReservation> placed = new ArrayList<>();
      if (network.rangeSets().isEmpty()) {
        rows.add(
            new Row(
                network.name(),
                network.stateDirectory(),
                -1,
                "unknown: " + network.rangeError(),
                null,
                holders(reservations, sandboxes),
                known,
                sandboxes.isPresent()));
        continue;
      }
      for (int i = 0; i < network.rangeSets().size(); i++) {
        HostLocalRangeSet set = network.rangeSets().get(i);
        List<HostLocalReservation> inSet =
            reservations.stream().filter(r -> contains(set, r.ip())).toList();
        placed.addAll(inSet);
        rows.add(
            new Row(
                network.name(),
                network.stateDirectory(),
                i,
                set.toString(),
                set.usableAddressCount(),
                holders(inSet, sandboxes),
                known,
                sandboxes.isPresent()));
      }
      List<HostLocalReservation> outside =
          reservations.stream().filter(r -> !placed.contains(r)).toList();
      if (!outside.isEmpty()) {
        rows.add(
            new Row(
                network.name(),
                network.stateDirectory(),
                -1,
                "outside the configured ranges",
                null,
                holders(outside, sandboxes),
                known,
                sandboxes.isPresent()));
      }
    }
    for (Map.Entry<String, HostLocalState> other : unclaimed.entrySet()) {
      rows.add(
          new Row(
              other.getValue().network(),
              other.getKey(),
              -1,
              "- (no loaded config uses this network)",
              null,
              holders(other.getValue().reservations(), sandboxes),
              true,
              sandboxes.isPresent()));
    }
    return rows;
  }

  static Table table(List<Row> rows) {
    return new Table(
        "host-local",
        "host-local IPAM state",
        List.of("NETWORK", "RANGE", "CAPACITY", "RESERVED", "LEAKED"),
        rows.stream()
            .map(
                row ->
                    List.of(
                        row.network(),
                        row.range(),
                        row.capacity() == null ? "-" : String.format("%,d", row.capacity()),
                        row.stateKnown() ? String.format("%,d", row.holders().size()) : "-",
                        row.stateKnown() && row.leaksKnown()
                            ? String.format("%,d", row.leaked())
                            : "-"))
            .toList());
  }

  static List<Finding> findings(List<Row> rows, NodeContext context) {
    List<Finding> findings = new ArrayList<>();
    for (Row row : rows) {
      if (row.rangeSetIndex() < 0 || row.capacity() == null || !row.stateKnown()) {
        continue;
      }
      boolean full = BigInteger.valueOf(row.holders().size()).compareTo(row.capacity()) >= 0;
      long leaked = row.leaked();
      if (!full && leaked == 0) {
        continue;
      }
      findings.add(full ? exhausted(row, context) : leaking(row, context));
    }
    return findings;
  }

  private static Finding exhausted(Row row, NodeContext context) {
    String error =
        "failed to allocate for range "
            + row.rangeSetIndex()
            + ": no IP addresses available in range set: "
            + row.range();
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        new Evidence(
            "host-local",
            "directory /" + row.directory(),
            row.holders().size()
                + " reservation files for "
                + row.capacity()
                + " usable addresses of "
                + row.range()));
    evidence.add(new Evidence("prediction", "host-local ADD", error));
    evidence.addAll(leakEvidence(row));
    long leaked = row.leaked();
    String leakText =
        !row.leaksKnown()
            ? " Whether any are leaked is unknown: sandboxes.json (crictl pods -o json) was not collected."
            : leaked == 0
                ? " None is leaked: every reservation belongs to a running sandbox, so the range is too small for the pods scheduled here."
                : " "
                    + leaked
                    + " of them "
                    + (leaked == 1 ? "belongs" : "belong")
                    + " to sandboxes that no longer run: leaked reservations (an ungraceful reboot or a failed CNI DEL leaves them).";
    return context.finding(
        ID,
        RootCause.IPAM_EXHAUSTED,
        Severity.CRITICAL,
        "host-local range "
            + row.range()
            + " of network "
            + row.network()
            + " is full"
            + (row.leaksKnown()
                ? " (" + leaked + " of " + row.holders().size() + " reservations leaked)"
                : ""),
        "Every usable address of the range is reserved, so every new pod on this node fails with \""
            + error
            + "\"."
            + leakText,
        evidence,
        leakSteps(row, context));
  }

  private static Finding leaking(Row row, NodeContext context) {
    long leaked = row.leaked();
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        new Evidence(
            "host-local",
            "directory /" + row.directory(),
            row.holders().size()
                + " of "
                + row.capacity()
                + " usable addresses reserved, "
                + leaked
                + " by sandboxes that no longer run"));
    evidence.addAll(leakEvidence(row));
    return context.finding(
        ID,
        RootCause.IPAM_EXHAUSTED,
        Severity.WARNING,
        leaked
            + " leaked host-local reservation"
            + (leaked == 1 ? "" : "s")
            + " in network "
            + row.network(),
        leaked
            + " addresses of "
            + row.range()
            + " are held by sandboxes the runtime no longer runs; they stay"
            + " reserved until their files are removed, and the range fills up.",
        evidence,
        leakSteps(row, context));
  }

  private static List<Evidence> leakEvidence(Row row) {
    List<Evidence> evidence = new ArrayList<>();
    List<Holder> leaked =
        row.leaksKnown() ? row.holders().stream().filter(Holder::leaked).toList() : List.of();
    for (Holder holder : leaked.subList(0, Math.min(EVIDENCE_FILES, leaked.size()))) {
      HostLocalReservation reservation = holder.reservation();
      String owner =
          holder
              .sandbox()
              .map(
                  s ->
                      "sandbox "
                          + s.id()
                          + " is "
                          + s.state()
                          + " (pod "
                          + s.namespace()
                          + "/"
                          + s.name()
                          + ")")
              .orElse(
                  "container " + reservation.containerId() + ": no such sandbox in crictl pods");
      evidence.add(
          new Evidence("host-local", "file /" + row.directory() + "/" + reservation.ip(), owner));
    }
    if (leaked.size() > EVIDENCE_FILES) {
      evidence.add(
          new Evidence(
              "host-local",
              "directory /" + row.directory(),
              "and " + (leaked.size() - EVIDENCE_FILES) + " more leaked reservation files"));
    }
    return evidence;
  }

  private static List<NextStep> leakSteps(Row row, NodeContext context) {
    List<NextStep> steps = new ArrayList<>();
    List<Holder> gone = row.holders().stream().filter(h -> h.sandbox().isEmpty()).toList();
    List<Holder> stopped =
        row.holders().stream()
            .filter(h -> h.sandbox().isPresent() && !h.sandbox().get().ready())
            .toList();
    if (!row.leaksKnown()) {
      steps.add(
          new NextStep(
              "List the sandbox ids the runtime knows, to compare with the reservation files",
              "crictl pods --no-trunc -q"));
      steps.add(
          new NextStep("See which container holds each address", "grep -r . /" + row.directory()));
      return steps;
    }
    if (!gone.isEmpty()) {
      steps.add(
          new NextStep(
              "Confirm on the node that the runtime has no such sandboxes",
              "crictl pods --no-trunc -q"));
      String backup = NodeContext.BACKUP_DIR + "/" + row.network();
      steps.add(
          new NextStep(
              "Move the reservation files of sandboxes that no longer exist aside (host-local frees an address when its file is gone)",
              "mkdir -p "
                  + backup
                  + " && cd /"
                  + row.directory()
                  + " && mv "
                  + String.join(" ", gone.stream().map(h -> h.reservation().ip()).toList())
                  + " "
                  + backup
                  + "/"));
    }
    if (!stopped.isEmpty()) {
      steps.add(
          new NextStep(
              "Remove the stopped sandboxes; the runtime's CNI DEL releases their addresses",
              "crictl rmp "
                  + String.join(" ", stopped.stream().map(h -> h.sandbox().get().id()).toList())));
    }
    if (gone.isEmpty() && stopped.isEmpty()) {
      steps.add(
          new NextStep(
              "The range is too small for the pods scheduled here: lower maxPods or give the node a larger pod CIDR",
              "kubectl get node "
                  + context.kubectlNode()
                  + " -o jsonpath='{.spec.podCIDR} {.status.capacity.pods}'"));
    }
    return steps;
  }

  private static List<Holder> holders(
      List<HostLocalReservation> reservations, Optional<Sandboxes> sandboxes) {
    return reservations.stream()
        .map(r -> new Holder(r, sandboxes.flatMap(s -> s.find(r.containerId()))))
        .toList();
  }

  private static boolean contains(HostLocalRangeSet set, String ip) {
    try {
      return set.contains(ip);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
