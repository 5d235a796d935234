package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.HostLocalRange;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * flannel's {@code subnet.env} against the node's podCIDR and against the bridge's address, as the
 * bridge plugin's {@code ensureAddr} compares them (containernetworking/plugins {@code
 * plugins/main/bridge/bridge.go}): for IPv4, any other address on the bridge fails ADD with {@code
 * failed to set bridge addr: "cni0" already has an IP address different from <gw>/<len>}.
 */
final class FlannelCheck {
  static final String ID = "node-flannel";

  /** The flannel CNI plugin's error when flanneld has not written its lease. */
  static final String SUBNET_ENV_MISSING =
      "failed to load flannel 'subnet.env' file: open /run/flannel/subnet.env: no such file or"
          + " directory. Check the flannel pod log for this node.";

  private FlannelCheck() {}

  /** Whether a loaded config runs flannel, directly or as Multus's delegate. */
  static Optional<CniPlugin> flannelPlugin(List<CniConfig> loaded) {
    for (CniConfig config : loaded) {
      for (CniPlugin plugin : config.plugins()) {
        if (plugin.type().equals("flannel")) {
          return Optional.of(plugin);
        }
        for (CniPlugin delegate : plugin.delegatedPlugins()) {
          if (delegate.type().equals("flannel")) {
            return Optional.of(delegate);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The bridge plugin's error for the bridge's addresses, or empty when it accepts them. */
  static Optional<String> bridgeError(String bridge, String gatewayCidr, List<String> bridgeIpv4) {
    boolean other = bridgeIpv4.stream().anyMatch(address -> !sameAddress(address, gatewayCidr));
    return other
        ? Optional.of(
            "failed to set bridge addr: \""
                + bridge
                + "\" already has an IP address different from "
                + gatewayCidr)
        : Optional.empty();
  }

  static List<Finding> findings(
      Optional<CniPlugin> flannel,
      Optional<SubnetEnv> subnetEnv,
      Optional<NetInterfaces> interfaces,
      String podCidr,
      NodeContext context) {
    List<Finding> findings = new ArrayList<>();
    if (flannel.isPresent() && subnetEnv.isEmpty()) {
      findings.add(
          context.finding(
              ID,
              RootCause.AGENT_NOT_READY,
              context.live() ? Severity.CRITICAL : Severity.WARNING,
              "flannel is the loaded CNI, but /run/flannel/subnet.env is "
                  + (context.live() ? "missing" : "not in the collected files"),
              "The flannel CNI plugin reads the node's lease from /run/flannel/subnet.env, which flanneld"
                  + " writes once it runs on the node. Without it every pod sandbox here fails.",
              List.of(new Evidence("prediction", "flannel CNI plugin", SUBNET_ENV_MISSING)),
              List.of(
                  new NextStep(
                      "Check the flannel pod on this node and its log",
                      context.podsOnNodeCommand() + " | grep flannel"))));
      return findings;
    }
    if (subnetEnv.isEmpty()) {
      return findings;
    }
    SubnetEnv env = subnetEnv.get();
    Optional<String> lease = env.subnet();
    if (lease.isEmpty()) {
      return findings;
    }
    String bridge =
        flannel
            .flatMap(f -> f.delegatedPlugins().stream().findFirst())
            .flatMap(d -> Json.string(d.raw(), "bridge"))
            .orElse("cni0");
    String leaseGateway = lease.get().strip();
    Optional<String> podGateway =
        Optional.ofNullable(podCidr).filter(c -> !c.contains(":")).map(FlannelCheck::gatewayOf);
    List<String> bridgeAddresses =
        interfaces
            .flatMap(i -> i.named(bridge))
            .map(NetInterfaces.NetInterface::ipv4)
            .orElse(List.of());
    Optional<String> errorNow = bridgeError(bridge, leaseGateway, bridgeAddresses);

    if (podGateway.isPresent() && !sameAddress(podGateway.get(), leaseGateway)) {
      List<Evidence> evidence = new ArrayList<>();
      evidence.add(
          new Evidence("flannel", "file /run/flannel/subnet.env", "FLANNEL_SUBNET=" + lease.get()));
      evidence.add(new Evidence("node-spec", "node " + context.scope(), "spec.podCIDR " + podCidr));
      env.network()
          .filter(network -> !networkContains(network, podCidr))
          .ifPresent(
              network ->
                  evidence.add(
                      new Evidence(
                          "flannel",
                          "file /run/flannel/subnet.env",
                          "FLANNEL_NETWORK="
                              + network
                              + " does not contain the podCIDR "
                              + podCidr)));
      if (!bridgeAddresses.isEmpty()) {
        evidence.add(
            new Evidence(
                "interface",
                "interface " + bridge + " (ip -j addr)",
                String.join(", ", bridgeAddresses)));
      }
      bridgeError(bridge, podGateway.get(), bridgeAddresses)
          .ifPresent(
              text ->
                  evidence.add(
                      new Evidence(
                          "prediction",
                          "bridge plugin, once flanneld writes the lease for " + podCidr,
                          text)));
      findings.add(
          context.finding(
              ID,
              RootCause.CIDR_CONFLICT,
              Severity.CRITICAL,
              "flannel's subnet.env (" + lease.get() + ") is not the node's podCIDR " + podCidr,
              "flanneld wrote its lease for "
                  + lease.get()
                  + ", but the node's podCIDR is now "
                  + podCidr
                  + " (the Node was re-registered or its CIDR changed while flanneld kept running). Pods"
                  + " here get addresses from the old range, which may belong to another node. When flanneld"
                  + " restarts it writes "
                  + podGateway.get()
                  + ", and the bridge plugin then refuses to"
                  + " re-address "
                  + bridge
                  + ", which still holds the old gateway.",
              evidence,
              List.of(
                  new NextStep(
                      "Drain the node first: re-addressing the bridge cuts its pods off",
                      "kubectl drain "
                          + context.kubectlNode()
                          + " --ignore-daemonsets --delete-emptydir-data"),
                  new NextStep(
                      "Restart flannel on this node so it writes the lease for " + podCidr,
                      "kubectl -n kube-flannel delete pod --field-selector spec.nodeName="
                          + context.kubectlNode()
                          + " -l app=flannel"),
                  new NextStep(
                      "Remove the old bridge address so the bridge plugin can set "
                          + podGateway.get(),
                      "ip addr del "
                          + bridgeAddresses.stream().findFirst().orElse(leaseGateway)
                          + " dev "
                          + bridge),
                  new NextStep(
                      "Let pods back on the node", "kubectl uncordon " + context.kubectlNode()))));
    } else if (errorNow.isPresent()) {
      findings.add(
          context.finding(
              ID,
              RootCause.CIDR_CONFLICT,
              Severity.CRITICAL,
              "Bridge "
                  + bridge
                  + " holds "
                  + String.join(", ", bridgeAddresses)
                  + ", not flannel's gateway "
                  + leaseGateway,
              "The bridge plugin sets "
                  + leaseGateway
                  + " on "
                  + bridge
                  + " at every ADD and fails because the"
                  + " bridge already holds another address (left from the node's previous lease), so every"
                  + " pod sandbox here fails.",
              List.of(
                  new Evidence(
                      "flannel", "file /run/flannel/subnet.env", "FLANNEL_SUBNET=" + lease.get()),
                  new Evidence(
                      "interface",
                      "interface " + bridge + " (ip -j addr)",
                      String.join(", ", bridgeAddresses)),
                  new Evidence("prediction", "bridge plugin", errorNow.get())),
              List.of(
                  new NextStep(
                      "Drain the node first: re-addressing the bridge cuts its pods off",
                      "kubectl drain "
                          + context.kubectlNode()
                          + " --ignore-daemonsets --delete-emptydir-data"),
                  new NextStep(
                      "Remove the stale address from the bridge",
                      "ip addr del "
                          + bridgeAddresses.stream()
                              .filter(a -> !sameAddress(a, leaseGateway))
                              .findFirst()
                              .orElse("")
                          + " dev "
                          + bridge),
                  new NextStep(
                      "Let pods back on the node", "kubectl uncordon " + context.kubectlNode()))));
    }
    return findings;
  }

  /**
   * {@code 10.244.5.0/24} to the bridge gateway host-local and flannel use: {@code 10.244.5.1/24}.
   */
  static String gatewayOf(String cidr) {
    Cidr parsed = Cidr.parse(cidr);
    String network = parsed.networkAddress() + "/" + parsed.prefixLength();
    return HostLocalRange.of(network).gateway() + "/" + parsed.prefixLength();
  }

  /** Whether two {@code ip/len} texts name the same address and mask, as {@code ip} prints them. */
  static boolean sameAddress(String a, String b) {
    return a.strip().equals(b.strip());
  }

  private static boolean networkContains(String network, String cidr) {
    try {
      return Cidr.parse(network).contains(Cidr.parse(cidr));
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
