package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MTU pods get (a plugin's {@code mtu}, or flannel's {@code FLANNEL_MTU} for its delegate)
 * against the node's main interface: a pod MTU above the uplink's drops large packets.
 */
final class MtuCheck {
  static final String ID = "node-mtu";

  private MtuCheck() {}

  /** Where a pod MTU comes from, and its value. */
  record PodMtu(long mtu, String source) {}

  static List<PodMtu> podMtus(List<CniConfig> loaded, Optional<SubnetEnv> subnetEnv) {
    List<PodMtu> mtus = new ArrayList<>();
    for (CniConfig config : loaded) {
      for (CniPlugin plugin : config.plugins()) {
        plugin
            .mtu()
            .ifPresent(
                m ->
                    mtus.add(
                        new PodMtu(m, "mtu of " + plugin.type() + " in " + config.runtimePath())));
        if (plugin.type().equals("flannel")) {
          Optional<Long> delegateMtu =
              plugin.delegatedPlugins().stream().findFirst().flatMap(CniPlugin::mtu);
          if (delegateMtu.isEmpty()) {
            subnetEnv
                .flatMap(SubnetEnv::mtu)
                .ifPresent(m -> mtus.add(new PodMtu(m, "FLANNEL_MTU in /run/flannel/subnet.env")));
          }
        }
        for (CniPlugin delegate : plugin.delegatedPlugins()) {
          delegate
              .mtu()
              .ifPresent(
                  m ->
                      mtus.add(
                          new PodMtu(
                              m,
                              "mtu of "
                                  + plugin.type()
                                  + "'s delegate "
                                  + delegate.type()
                                  + " in "
                                  + config.runtimePath())));
        }
      }
    }
    return mtus;
  }

  static List<Finding> findings(List<PodMtu> mtus, NetInterfaces interfaces, NodeContext context) {
    Optional<NetInterfaces.NetInterface> main = interfaces.main();
    if (main.isEmpty() || main.get().mtu() <= 0) {
      return List.of();
    }
    long uplink = main.get().mtu();
    List<PodMtu> tooLarge = mtus.stream().filter(m -> m.mtu() > uplink).toList();
    if (tooLarge.isEmpty()) {
      return List.of();
    }
    List<Evidence> evidence = new ArrayList<>();
    tooLarge.forEach(m -> evidence.add(new Evidence("cni-config", m.source(), "mtu " + m.mtu())));
    evidence.add(
        new Evidence(
            "interface", "interface " + main.get().name() + " (ip -j addr)", "mtu " + uplink));
    return List.of(
        context.finding(
            ID,
            RootCause.MTU_OR_INTERFACE,
            Severity.WARNING,
            "Pod MTU "
                + tooLarge.get(0).mtu()
                + " is larger than the MTU "
                + uplink
                + " of "
                + main.get().name(),
            "Pods send packets up to "
                + tooLarge.get(0).mtu()
                + " bytes, but the node's uplink "
                + main.get().name()
                + " carries at most "
                + uplink
                + ": large packets are dropped or"
                + " fragmented (TLS handshakes and image pulls hang while ping works). With an overlay the"
                + " pod MTU must also leave room for its header (VXLAN 50, IPIP 20, WireGuard 60 bytes).",
            evidence,
            List.of(
                new NextStep(
                    "Check the uplink's MTU on the node", "ip -d link show " + main.get().name()),
                new NextStep(
                    "Set the CNI's MTU to at most "
                        + uplink
                        + " minus the overlay header in its own"
                        + " configuration (ConfigMap or Helm value), then restart its agent on this node",
                    context.podsOnNodeCommand()))));
  }
}
