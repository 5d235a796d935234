package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes rules in both iptables back ends, from the saved outputs of {@code
 * iptables-legacy-save} and {@code iptables-nft-save}: kube-proxy, kubelet and the CNI then program
 * different tables and the kernel applies both.
 */
final class IptablesCheck {
  static final String ID = "node-iptables";
  static final String LEGACY_FILE = "iptables-legacy-save.txt";
  static final String NFT_FILE = "iptables-nft-save.txt";

  /** The chain kubelet creates in the back end it uses, so that tools can pick the same one. */
  static final String HINT_CHAIN = "KUBE-IPTABLES-HINT";

  private IptablesCheck() {}

  /**
   * What one saved rule set holds of Kubernetes.
   *
   * @param kubeLines chain declarations ({@code :KUBE-...}) and rules mentioning {@code KUBE-}
   * @param firstLine the first such line, quoted as evidence
   * @param hint whether kubelet's {@code KUBE-IPTABLES-HINT} chain is there
   */
  record RuleSet(long kubeLines, String firstLine, boolean hint) {
    static RuleSet parse(String save) {
      List<String> lines =
          save.lines()
              .filter(l -> l.startsWith(":KUBE-") || (l.startsWith("-A ") && l.contains("KUBE-")))
              .toList();
      return new RuleSet(
          lines.size(), lines.isEmpty() ? "" : lines.get(0), save.contains(":" + HINT_CHAIN + " "));
    }
  }

  static List<Finding> findings(RuleSet legacy, RuleSet nft, NodeContext context) {
    if (legacy.kubeLines() == 0 || nft.kubeLines() == 0) {
      return List.of();
    }
    Optional<String> kubeletSide =
        legacy.hint() == nft.hint()
            ? Optional.empty()
            : Optional.of(legacy.hint() ? "legacy" : "nft");
    return List.of(
        context.finding(
            ID,
            RootCause.IPTABLES_ERROR,
            Severity.WARNING,
            "Kubernetes rules in both iptables back ends (legacy and nft)",
            "iptables-legacy and iptables-nft both hold KUBE-* chains and rules. The kernel applies both"
                + " sets, so rules that kube-proxy or the CNI remove from one keep acting from the other,"
                + " and Service or pod traffic breaks in ways neither set explains."
                + kubeletSide
                    .map(
                        s ->
                            " kubelet's "
                                + HINT_CHAIN
                                + " chain is in the "
                                + s
                                + " set: that is the back end kubelet uses.")
                    .orElse(""),
            List.of(
                new Evidence(
                    "iptables",
                    LEGACY_FILE,
                    legacy.kubeLines() + " KUBE-* lines, e.g. " + legacy.firstLine()),
                new Evidence(
                    "iptables",
                    NFT_FILE,
                    nft.kubeLines() + " KUBE-* lines, e.g. " + nft.firstLine())),
            List.of(
                new NextStep(
                    "See which back end the node's iptables command uses", "iptables --version"),
                new NextStep(
                    "Back up both rule sets before changing anything",
                    "iptables-legacy-save > /root/iptables-legacy.backup && iptables-nft-save > /root/iptables-nft.backup"),
                new NextStep(
                    "Make kube-proxy, the CNI agent and the host use one back end (the one kubelet uses),"
                        + " then reboot the node so only that set is rebuilt",
                    null))));
  }
}
