package dev.podnet.check;

import dev.podnet.classify.CauseCatalog;
import java.util.List;

/** The checks behind {@code podnet diagnose}, in the order their findings take precedence. */
public final class CheckRegistry {
  private CheckRegistry() {}

  /** Every diagnose check; a test asserts each check class is listed here and in the README. */
  public static List<Check> diagnoseChecks(CauseCatalog catalog) {
    return List.of(
        new SandboxFailureCheck(catalog),
        new NodeNetworkReadinessCheck(catalog),
        new NodeCidrCheck(),
        new CniAgentCheck());
  }

  /** The checks behind {@code podnet cidr}. */
  public static List<Check> cidrChecks() {
    return List.of(
        new NodeCidrCheck(),
        new NodeCidrShapeCheck(),
        new NodeCidrOverlapCheck(),
        new CidrDriftCheck(),
        new AddressOverlapCheck(),
        new PodAddressCheck(),
        new CiliumNodeCheck());
  }

  /** The tables of {@code podnet cidr}. */
  public static List<View> cidrViews() {
    return List.of(
        new CidrViews.IpamModelView(), new CidrViews.LayersView(), new CidrViews.NodesView());
  }

  /** The checks behind {@code podnet ipam}. */
  public static List<Check> ipamChecks() {
    return List.of(
        new NodeIpCapacityCheck(),
        new NodeCidrPoolCheck(),
        new CalicoIpamCheck(),
        new WhereaboutsCheck(),
        new CiliumNodeCheck());
  }

  /** The tables of {@code podnet ipam}. */
  public static List<View> ipamViews() {
    return List.of(
        new IpamViews.PoolsView(), new IpamViews.NodesView(), new IpamViews.CalicoBlocksView());
  }
}
