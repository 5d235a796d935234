package dev.podnet.check;

import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.IpFamily;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.IpamData;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Whereabouts IPPools (cluster-wide IPAM for Multus secondary networks): pools that are full or
 * nearly so, and allocations whose pod no longer exists (leaks the ip-reconciler has not cleaned).
 * Capacity is the range without its network and broadcast addresses; exclusions configured in the
 * NetworkAttachmentDefinition are not visible here, so the real capacity may be smaller.
 */
public final class WhereaboutsCheck implements Check {
  @Override
  public String id() {
    return "whereabouts-pools";
  }

  @Override
  public String description() {
    return "Whereabouts IPPools: full pools and allocations whose pod no longer exists";
  }

  @Override
  public Set<Resource> requires() {
    return EnumSet.of(Resource.WHEREABOUTS_IPPOOLS, Resource.PODS);
  }

  @Override
  public boolean applies(ClusterModel model) {
    return !model.ipam().whereaboutsPools().isEmpty();
  }

  @Override
  public List<Finding> run(ClusterModel model) {
    List<Finding> findings = new ArrayList<>();
    for (IpamData.WhereaboutsPool pool : model.ipam().whereaboutsPools()) {
      String subject = "ippool.whereabouts " + pool.name();
      List<String> leaked =
          pool.podRefs().stream().filter(p -> p != null && !model.podKeys().contains(p)).toList();
      long capacity = capacity(pool.range());
      int used = pool.podRefs().size();
      List<NextStep> steps =
          List.of(
              new NextStep(
                  "Read the pool",
                  "kubectl -n kube-system get ippools.whereabouts.cni.cncf.io "
                      + pool.name()
                      + " -o yaml"),
              new NextStep(
                  "Let the ip-reconciler release allocations of deleted pods",
                  "kubectl -n kube-system get cronjob ip-reconciler"));
      if (!leaked.isEmpty()) {
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.IPAM_EXHAUSTED,
                Severity.WARNING,
                Finding.CLUSTER,
                leaked.size() + " leaked Whereabouts allocation(s) in " + pool.name(),
                "Allocations in "
                    + pool.range()
                    + " name pods that no longer exist; they stay taken until reconciled.",
                List.of(),
                leaked.stream()
                    .limit(20)
                    .map(
                        p ->
                            new Evidence("whereabouts", subject, "allocation for missing pod " + p))
                    .toList(),
                steps));
      }
      if (capacity > 0 && used >= capacity) {
        findings.add(
            CidrChecks.finding(
                id(),
                RootCause.IPAM_EXHAUSTED,
                Severity.CRITICAL,
                Finding.CLUSTER,
                "Whereabouts pool " + pool.name() + " is full",
                "All "
                    + capacity
                    + " addresses of "
                    + pool.range()
                    + " are allocated: pods attaching to this network get none.",
                List.of(),
                List.of(
                    new Evidence("whereabouts", subject, used + " allocations in " + pool.range())),
                steps));
      }
    }
    return findings;
  }

  /** Addresses of a range without network and broadcast (IPv4), or 0 when it does not parse. */
  static long capacity(String range) {
    try {
      Cidr cidr = Cidr.parse(range);
      BigInteger size =
          cidr.size().subtract(BigInteger.valueOf(cidr.family() == IpFamily.IPV4 ? 2 : 1));
      return size.max(BigInteger.ZERO).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    } catch (IllegalArgumentException | NullPointerException e) {
      return 0;
    }
  }
}
