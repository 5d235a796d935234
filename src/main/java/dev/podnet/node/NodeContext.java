package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.List;

/**
 * What every node check needs besides its own data: the node's name for scopes and commands, the
 * runtime whose rules apply, and whether the files are the live node's.
 *
 * @param nodeName the node's name, or null when unknown (a live root without {@code --node})
 */
record NodeContext(String nodeName, NodeOptions.Runtime runtime, boolean live) {

  /** Where collected files would sit if this were a snapshot; used in backup commands. */
  static final String BACKUP_DIR = "/root/cni-backup";

  /** The scope of the node's findings: its name, or {@code node} when unknown. */
  String scope() {
    return nodeName == null ? "node" : nodeName;
  }

  /** The node's name as a kubectl argument: the name, or {@code $(hostname)} on the node. */
  String kubectlNode() {
    return nodeName == null ? "$(hostname)" : nodeName;
  }

  /** The command that lists the pods on this node, CNI agents included. */
  String podsOnNodeCommand() {
    return "kubectl get pods -A -o wide --field-selector spec.nodeName=" + kubectlNode();
  }

  Finding finding(
      String checkId,
      RootCause cause,
      Severity severity,
      String title,
      String summary,
      List<Evidence> evidence,
      List<NextStep> nextSteps) {
    return new Finding(
        checkId,
        cause,
        severity,
        scope(),
        title,
        summary,
        nodeName == null ? List.of() : List.of(nodeName),
        List.of(),
        evidence,
        nextSteps);
  }
}
