package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.IpamData;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Calico IPAM from its CRDs: leaked handles (a handle whose pod no longer exists), addresses
 * allocated in a block with no handle, borrowed addresses, and blocks that are full. podnet never
 * edits Calico's datastore: it prints the calicoctl commands that do.
 */
public final class CalicoIpamCheck implements Check {
  @Override
  public String id() {
    return "calico-ipam";
  }

  @Override
  public String description() {
    return "Calico IPAM blocks and handles: leaked handles, allocations without a handle, borrowed"
        + " addresses, full blocks";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.CALICO_IPAMBLOCKS, Resource.PODS);
  }

  @Override
  public Set<Resource> uses() {
    return EnumSet.of(
        Resource.CALICO_IPAMHANDLES, Resource.CALICO_IPPOOLS, Resource.CALICO_BLOCKAFFINITIES);
  }

  @Override
  public boolean applies(ClusterModel model) {
    return !model.ipam().calicoPools().isEmpty()
        || !model.ipam().calicoBlocks().isEmpty()
        || model.agentPods().stream()
            .anyMatch(
                p ->
                    AgentView.agentOf(p)
                        .filter(a -> a.pluginTypes().contains("calico"))
                        .isPresent());
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    List<Finding> findings = new ArrayList<>();
    Set<String> livePods = new HashSet<>(model.podKeys());
    Set<String> handleIds = new HashSet<>();
    model.ipam().calicoHandles().forEach(h -> handleIds.add(h.handleId()));
    Map<String, String> leaked = new TreeMap<>();
    List<String> withoutHandle = new ArrayList<>();
    List<String> full = new ArrayList<>();
    List<String> borrowed = new ArrayList<>();
    for (IpamData.CalicoBlock block : model.ipam().calicoBlocks()) {
      for (int ordinal = 0; ordinal < block.allocations().size(); ordinal++) {
        Integer attribute = block.allocations().get(ordinal);
        if (attribute == null || attribute >= block.handles().size()) {
          continue;
        }
        String handle = block.handles().get(attribute);
        String pod = block.attributePods().get(attribute);
        String ip = address(block.cidr(), ordinal);
        String holderNode = block.attributeNodes().get(attribute);
        if (block.affinity() != null
            && holderNode != null
            && !holderNode.equals(block.affinity())) {
          borrowed.add(
              ip
                  + " used on "
                  + holderNode
                  + (pod == null ? "" : " by " + pod)
                  + ", from block "
                  + block.cidr()
                  + " of "
                  + block.affinity());
        }
        if (handle == null
            || (!model.ipam().calicoHandles().isEmpty() && !handleIds.contains(handle))) {
          withoutHandle.add(ip + " in block " + block.cidr());
        } else if (pod != null && !livePods.contains(pod)) {
          leaked.put(
              handle,
              ip
                  + " (pod "
                  + pod
                  + ", block "
                  + block.cidr()
                  + (block.affinity() == null ? "" : " of " + block.affinity())
                  + ")");
        }
      }
      if (block.unallocated() == 0
          && block.allocated() == block.allocations().size()
          && !block.allocations().isEmpty()) {
        full.add(block.cidr() + (block.affinity() == null ? "" : " (" + block.affinity() + ")"));
      }
    }
    if (!leaked.isEmpty()) {
      List<Evidence> evidence = new ArrayList<>();
      leaked.forEach(
          (handle, where) -> evidence.add(new Evidence("calico-ipam", "handle " + handle, where)));
      List<NextStep> steps = new ArrayList<>();
      steps.add(
          new NextStep(
              "Let Calico confirm the leaks (it checks against the datastore)",
              "calicoctl ipam check --show-problem-ips -o /tmp/ipam-report.json"));
      steps.add(
          new NextStep(
              "Release exactly the leaked addresses it reports (keep the report)",
              "calicoctl ipam release --from-report=/tmp/ipam-report.json"));
      findings.add(
          CidrChecks.finding(
              id(),
              RootCause.IPAM_EXHAUSTED,
              Severity.WARNING,
              Finding.CLUSTER,
              leaked.size() + " leaked Calico IPAM handle(s)",
              leaked.size()
                  + " address(es) are held by handles whose pod no longer exists; they stay allocated until released.",
              List.of(),
              evidence.stream().limit(20).toList(),
              steps));
    }
    if (!withoutHandle.isEmpty()) {
      findings.add(
          CidrChecks.finding(
              id(),
              RootCause.IPAM_EXHAUSTED,
              Severity.WARNING,
              Finding.CLUSTER,
              withoutHandle.size() + " Calico address(es) allocated without a handle",
              "Blocks record allocations whose handle does not exist; nothing will ever free them.",
              List.of(),
              withoutHandle.stream()
                  .limit(20)
                  .map(w -> new Evidence("calico-ipam", "ipamblock", w))
                  .toList(),
              List.of(
                  new NextStep(
                      "Let Calico list them", "calicoctl ipam check --show-problem-ips"))));
    }
    if (!borrowed.isEmpty()) {
      findings.add(
          CidrChecks.finding(
              id(),
              RootCause.IPAM_EXHAUSTED,
              Severity.INFO,
              Finding.CLUSTER,
              borrowed.size() + " borrowed Calico address(es)",
              "Nodes took addresses from other nodes' blocks: their own blocks were full and no new block"
                  + " could be claimed (pool full, or maxBlocksPerHost reached). Routes to borrowed addresses"
                  + " are /32s, not the block route.",
              List.of(),
              borrowed.stream()
                  .limit(20)
                  .map(b -> new Evidence("calico-ipam", "ipamblock", b))
                  .toList(),
              List.of(
                  new NextStep("Show borrowed addresses", "calicoctl ipam show --show-borrowed"))));
    }
    if (!full.isEmpty()) {
      findings.add(
          CidrChecks.finding(
              id(),
              RootCause.IPAM_EXHAUSTED,
              Severity.INFO,
              Finding.CLUSTER,
              full.size() + " Calico block(s) full",
              "Full blocks make Calico claim another block for the node or borrow from other nodes' blocks.",
              List.of(),
              full.stream()
                  .limit(20)
                  .map(b -> new Evidence("calico-ipam", "ipamblock", b))
                  .toList(),
              List.of(new NextStep("Show block usage", "calicoctl ipam show --show-blocks"))));
    }
    return findings;
  }

  /** The address at an ordinal of a block. */
  static String address(String cidr, int ordinal) {
    try {
      var prefix = new inet.ipaddr.IPAddressString(cidr).getAddress().toPrefixBlock();
      var lower = prefix.getLower().withoutPrefixLength();
      return lower.toIPAddress().increment(ordinal).toCanonicalString();
    } catch (RuntimeException e) {
      return cidr + "#" + ordinal;
    }
  }
}
