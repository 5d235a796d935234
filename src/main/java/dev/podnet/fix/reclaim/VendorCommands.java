package dev.podnet.fix.reclaim;

import dev.podnet.check.NextStep;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.IpamData;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The vendor commands that release leaked Calico and Cilium addresses. podnet never edits their
 * datastores: Calico's IPAM blocks and handles must change together and under Calico's own
 * concurrency control, which only {@code calicoctl} applies.
 */
public final class VendorCommands {
  private VendorCommands() {}

  /** Advice for every CNI of the model that keeps its own IPAM datastore; empty when none. */
  public static List<VendorAdvice> of(ClusterModel model) {
    List<VendorAdvice> advice = new ArrayList<>();
    calico(model).ifPresent(advice::add);
    cilium(model).ifPresent(advice::add);
    return advice;
  }

  /**
   * Calico: allocations in IPAM blocks whose handle's pod no longer exists (the same test as the
   * {@code calico-ipam} check), each with {@code calicoctl ipam release --ip=<ip>}, after {@code
   * calicoctl ipam check} has confirmed them against the datastore.
   */
  static java.util.Optional<VendorAdvice> calico(ClusterModel model) {
    IpamData ipam = model.ipam();
    if (ipam.calicoBlocks().isEmpty()) {
      return java.util.Optional.empty();
    }
    Set<String> livePods = new HashSet<>(model.podKeys());
    Set<String> handleIds = new HashSet<>();
    ipam.calicoHandles().forEach(h -> handleIds.add(h.handleId()));
    List<VendorAdvice.Leak> leaks = new ArrayList<>();
    List<VendorAdvice.Leak> withoutHandle = new ArrayList<>();
    for (IpamData.CalicoBlock block : ipam.calicoBlocks()) {
      for (int ordinal = 0; ordinal < block.allocations().size(); ordinal++) {
        Integer attribute = block.allocations().get(ordinal);
        if (attribute == null || attribute >= block.handles().size()) {
          continue;
        }
        String handle = block.handles().get(attribute);
        String pod = block.attributePods().get(attribute);
        if (handle == null || pod == null || livePods.contains(pod)) {
          continue;
        }
        String ip = address(block.cidr(), ordinal);
        if (ipam.calicoHandles().isEmpty() || handleIds.contains(handle)) {
          leaks.add(
              new VendorAdvice.Leak(
                  ip,
                  "handle " + handle + " of pod " + pod + " (no such pod), block " + block.cidr()));
        } else {
          withoutHandle.add(
              new VendorAdvice.Leak(
                  ip,
                  "pod "
                      + pod
                      + " (no such pod), block "
                      + block.cidr()
                      + "; its handle object "
                      + handle
                      + " is gone"));
        }
      }
    }
    java.util.Comparator<VendorAdvice.Leak> byAddress =
        java.util.Comparator.comparing(
            (VendorAdvice.Leak l) -> new IPAddressString(l.ip()).getAddress(),
            java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()));
    leaks.sort(byAddress);
    withoutHandle.sort(byAddress);
    List<NextStep> steps = new ArrayList<>();
    String summary;
    if (leaks.isEmpty() && withoutHandle.isEmpty()) {
      summary =
          "Calico IPAM shows no allocation whose pod is gone. Calico's own check also compares"
              + " with workload endpoints and node tunnel addresses:";
      steps.add(
          new NextStep(
              "Let Calico check its IPAM against the cluster",
              "calicoctl ipam check --show-problem-ips"));
    } else {
      summary =
          (leaks.size() + withoutHandle.size())
              + " Calico address(es) are allocated to pods that no longer exist. podnet does not"
              + " edit Calico's datastore (blocks and handles change together, under Calico's own"
              + " concurrency control); calicoctl releases them:";
      steps.add(
          new NextStep(
              "Let Calico confirm them against its datastore first (it also checks workload"
                  + " endpoints and tunnel addresses); release only those it reports as leaked",
              "calicoctl ipam check --show-problem-ips"));
      for (VendorAdvice.Leak leak : leaks) {
        steps.add(
            new NextStep(
                "Release " + leak.ip() + " (" + leak.holder() + ")",
                "calicoctl ipam release --ip=" + leak.ip()));
      }
      if (!withoutHandle.isEmpty()) {
        steps.add(
            new NextStep(
                withoutHandle.size()
                    + " more are allocated to gone pods whose handle object was deleted ("
                    + String.join(", ", withoutHandle.stream().map(VendorAdvice.Leak::ip).toList())
                    + "); calicoctl ipam check reports them without counting them as problems:"
                    + " release them from its report",
                "calicoctl ipam check -o report.json && calicoctl ipam release"
                    + " --from-report=report.json"));
      }
      steps.add(
          new NextStep(
              "Or, as Calico documents, release everything its report lists, with the datastore"
                  + " locked meanwhile (new pods cannot start until it is unlocked)",
              "calicoctl datastore migrate lock && calicoctl ipam check -o report.json"
                  + " && calicoctl ipam release --from-report=report.json;"
                  + " calicoctl datastore migrate unlock"));
    }
    List<VendorAdvice.Leak> all = new ArrayList<>(leaks);
    all.addAll(withoutHandle);
    return java.util.Optional.of(new VendorAdvice("calico", summary, all, steps));
  }

  /**
   * Cilium: its agent keeps the node's allocations and rebuilds them from the endpoints it restores
   * when it starts. Cilium documents no command that releases one address, so podnet prints none;
   * it prints how to see the agent's allocations next to its endpoints instead.
   */
  static java.util.Optional<VendorAdvice> cilium(ClusterModel model) {
    List<IpamData.CiliumNodeInfo> nodes = model.ipam().ciliumNodes();
    if (nodes.isEmpty()) {
      return java.util.Optional.empty();
    }
    String node = nodes.get(0).name();
    String agent =
        "kubectl -n kube-system exec $(kubectl -n kube-system get pods -l k8s-app=cilium"
            + " --field-selector spec.nodeName="
            + node
            + " -o name) -c cilium-agent -- ";
    List<NextStep> steps =
        List.of(
            new NextStep(
                "List the addresses the agent on " + node + " has allocated (repeat per node)",
                agent + "cilium-dbg status --all-addresses"),
            new NextStep(
                "List the endpoints it has; an allocated address no endpoint holds is leaked",
                agent + "cilium-dbg endpoint list"),
            new NextStep(
                "If some are: the agent rebuilds its allocations from the endpoints it restores"
                    + " when it starts, so restarting it on that node (its DaemonSet recreates the"
                    + " pod) drops them; users report this clears such leaks (cilium/cilium#46598)",
                "kubectl -n kube-system delete $(kubectl -n kube-system get pods -l k8s-app=cilium"
                    + " --field-selector spec.nodeName="
                    + node
                    + " -o name)"));
    return java.util.Optional.of(
        new VendorAdvice(
            "cilium",
            "Cilium manages pod addresses in its agent (CiliumNode objects: "
                + nodes.size()
                + "). Cilium documents no command that releases a single address, so podnet prints"
                + " none; the model cannot tell which of the agent's addresses leaked. To check a"
                + " node:",
            List.of(),
            steps));
  }

  private static String address(String cidr, int ordinal) {
    try {
      IPAddress prefix = new IPAddressString(cidr).getAddress().toPrefixBlock();
      return prefix.getLower().withoutPrefixLength().increment(ordinal).toCanonicalString();
    } catch (RuntimeException e) {
      return cidr + "#" + ordinal;
    }
  }
}
