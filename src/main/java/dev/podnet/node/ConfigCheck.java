package dev.podnet.node;

import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.NextStep;
import dev.podnet.check.Table;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import dev.podnet.node.ConfigSelection.FileStatus;
import dev.podnet.node.ConfigSelection.Status;
import dev.podnet.node.NodeOptions.Runtime;
import java.util.ArrayList;
import java.util.List;

/**
 * Findings about the CNI conf dir: nothing to load, containerd's load failing at an invalid file,
 * configs of two CNIs side by side, a loaded config that fails later, files CRI-O skips.
 */
final class ConfigCheck {
  static final String ID = "node-cni-config";

  /** kubelet's Ready condition when go-cni has no network (containerd). */
  static final String CONTAINERD_NOT_READY =
      "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady"
          + " message:Network plugin returns error: cni plugin not initialized";

  private ConfigCheck() {}

  static Table table(ConfigSelection selection) {
    List<List<String>> rows = new ArrayList<>();
    for (FileStatus file : selection.files()) {
      CniConfig config = file.config();
      rows.add(
          List.of(
              file.fileName(),
              config == null || config.types().isEmpty() ? "-" : String.join(", ", config.types()),
              config == null || config.cniVersion() == null ? "-" : config.cniVersion(),
              file.statusText()));
    }
    return new Table(
        "cni-configs",
        "CNI configs in /etc/cni/net.d, as " + selection.runtime().displayName() + " reads them",
        List.of("FILE", "TYPE(S)", "CNIVERSION", "STATUS"),
        rows);
  }

  static List<Finding> findings(ConfigSelection selection, NodeContext context) {
    List<Finding> findings = new ArrayList<>();
    selection.failure().ifPresent(failure -> findings.add(loadFailed(selection, failure, context)));
    if (selection.failure().isEmpty() && selection.loaded().isEmpty()) {
      findings.add(nothingLoaded(selection, context));
    }
    if (!selection.loaded().isEmpty()) {
      CniConfig loaded = selection.loaded().get(0);
      List<FileStatus> rivals =
          selection.files().stream()
              .filter(f -> f.considered() && f.status() == Status.IGNORED)
              .filter(f -> ConfigSelection.conflicts(loaded, f.config()))
              .toList();
      if (!rivals.isEmpty()) {
        findings.add(twoCnis(selection.runtime(), loaded, rivals, context));
      }
      for (CniConfig config : selection.loaded()) {
        if (!config.problems().isEmpty()) {
          findings.add(failsLater(config, context));
        }
      }
    }
    if (selection.runtime() == Runtime.CRIO && !selection.loaded().isEmpty()) {
      List<FileStatus> skipped =
          selection.files().stream().filter(f -> f.status() == Status.INVALID).toList();
      if (!skipped.isEmpty()) {
        findings.add(crioSkips(skipped, context));
      }
    }
    return findings;
  }

  private static Finding loadFailed(
      ConfigSelection selection, ConfigSelection.Failure failure, NodeContext context) {
    CniConfig file = failure.file();
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(new Evidence("cni-config", "file " + file.runtimePath(), failure.error()));
    evidence.add(
        new Evidence(
            "prediction",
            "containerd",
            "cni config load failed: " + failure.error() + ": failed to load cni config"));
    evidence.add(
        new Evidence(
            "prediction", "node " + context.scope() + " Ready condition", CONTAINERD_NOT_READY));
    List<NextStep> steps = new ArrayList<>();
    boolean validAfter =
        selection.files().stream()
            .anyMatch(f -> f.considered() && f.config().loads() && f.config() != file);
    if (validAfter) {
      steps.add(
          new NextStep(
              "Move the invalid file aside (containerd watches the directory and reloads)",
              moveAside(file.fileName())));
    } else {
      steps.add(
          new NextStep(
              "Repair "
                  + file.fileName()
                  + ", or let the CNI agent on this node rewrite it (find its pod)",
              context.podsOnNodeCommand()));
    }
    steps.add(
        new NextStep(
            "Confirm the runtime's network is ready", "crictl info | grep -A 4 NetworkReady"));
    return context.finding(
        ID,
        RootCause.CNI_CONFIG_INVALID,
        Severity.CRITICAL,
        "containerd loads no CNI network: " + file.fileName() + " is invalid",
        "containerd reads /etc/cni/net.d in byte order, up to max_conf_num files, and stops at the"
            + " first invalid one, so no pod on this node gets a network"
            + (validAfter ? ", although a valid config sorts after it." : ".")
            + " CRI-O would skip the file; containerd does not.",
        evidence,
        steps);
  }

  private static Finding nothingLoaded(ConfigSelection selection, NodeContext context) {
    List<FileStatus> invalid =
        selection.files().stream().filter(f -> f.status() == Status.INVALID).toList();
    List<FileStatus> renamed =
        selection.files().stream().filter(f -> f.config() != null && !f.considered()).toList();
    List<Evidence> evidence = new ArrayList<>();
    boolean crio = selection.runtime() == Runtime.CRIO;
    if (!invalid.isEmpty()) {
      invalid.forEach(
          f ->
              evidence.add(
                  new Evidence(
                      "cni-config",
                      "file " + CniConfig.CONF_DIR + "/" + f.fileName(),
                      f.reason())));
    } else if (crio) {
      evidence.add(
          new Evidence(
              "prediction",
              "CRI-O",
              "no CNI configuration file in /etc/cni/net.d/. Has your network provider started?"));
    } else {
      evidence.add(
          new Evidence(
              "prediction",
              "containerd",
              "no network config found in /etc/cni/net.d: cni plugin not initialized"));
      evidence.add(
          new Evidence(
              "prediction", "node " + context.scope() + " Ready condition", CONTAINERD_NOT_READY));
    }
    selection.files().stream()
        .filter(f -> f.status() == Status.IGNORED)
        .forEach(
            f ->
                evidence.add(
                    new Evidence(
                        "cni-config",
                        "file " + CniConfig.CONF_DIR + "/" + f.fileName(),
                        "ignored: " + f.reason())));
    List<NextStep> steps = new ArrayList<>();
    steps.add(
        new NextStep(
            "Find the CNI agent pod on this node; it writes the config when it is ready",
            context.podsOnNodeCommand()));
    if (renamed.size() == 1) {
      String name = renamed.get(0).fileName();
      String restored = name.substring(0, name.length() - ConfigSelection.extension(name).length());
      steps.add(
          new NextStep(
              "If " + name + " is the config this node should use, give it its name back",
              "mv " + CniConfig.CONF_DIR + "/" + name + " " + CniConfig.CONF_DIR + "/" + restored));
    }
    return context.finding(
        ID,
        invalid.isEmpty() ? RootCause.CNI_CONFIG_MISSING : RootCause.CNI_CONFIG_INVALID,
        Severity.CRITICAL,
        invalid.isEmpty()
            ? "No CNI config for " + selection.runtime().displayName() + " in /etc/cni/net.d"
            : "CRI-O finds no valid CNI config in /etc/cni/net.d",
        invalid.isEmpty()
            ? "No file in /etc/cni/net.d ends in .conf, .conflist or .json, so the runtime reports its"
                + " network not ready and no pod on this node gets a sandbox."
            : "CRI-O skips every config file in /etc/cni/net.d as invalid, so no pod on this node gets a"
                + " network.",
        evidence,
        steps);
  }

  private static Finding twoCnis(
      Runtime runtime, CniConfig loaded, List<FileStatus> rivals, NodeContext context) {
    String loadedType = loaded.effectiveType().orElse("?");
    boolean multus = loaded.primaryType().orElse("").equals("multus");
    List<Evidence> evidence = new ArrayList<>();
    evidence.add(
        new Evidence(
            "cni-config",
            "file " + loaded.runtimePath(),
            "loaded by "
                + runtime.displayName()
                + (multus
                    ? ": Multus, delegating to a " + loadedType + " network"
                    : ": a "
                        + loadedType
                        + " config (plugins "
                        + String.join(", ", loaded.types())
                        + ")")));
    for (FileStatus rival : rivals) {
      evidence.add(
          new Evidence(
              "cni-config", "file " + rival.config().runtimePath(), "ignored: " + rival.reason()));
    }
    CniConfig first = rivals.get(0).config();
    String rivalType = first.effectiveType().orElse("?");
    List<NextStep> steps = new ArrayList<>();
    steps.add(new NextStep("See which CNI's agent runs on this node", context.podsOnNodeCommand()));
    if (multus) {
      steps.add(
          new NextStep(
              "If "
                  + rivalType
                  + " is the CNI you run, Multus's copy is stale: restart the Multus pod on this node so it rewrites "
                  + loaded.fileName(),
              context.podsOnNodeCommand() + " | grep multus"));
    } else {
      steps.add(
          new NextStep(
              "If "
                  + rivalType
                  + " is the CNI you run, move the leftover "
                  + loaded.fileName()
                  + " aside ("
                  + runtime.displayName()
                  + " reloads the directory)",
              moveAside(loaded.fileName())));
    }
    steps.add(
        new NextStep(
            "If "
                + loadedType
                + " is the CNI you run, move "
                + first.fileName()
                + " aside so it cannot take over later",
            moveAside(first.fileName())));
    steps.add(
        new NextStep(
            "Then recreate the pods of this node that got no network or the wrong one",
            "kubectl get pods -A -o wide --field-selector spec.nodeName="
                + context.kubectlNode()
                + ",status.phase=Pending"));
    String summary =
        runtime.displayName()
            + " loads "
            + loaded.fileName()
            + " because it sorts first"
            + (runtime == Runtime.CRIO ? " among the valid files" : "")
            + "; "
            + rivals.stream().map(FileStatus::fileName).reduce((a, b) -> a + ", " + b).orElse("")
            + " belong"
            + (rivals.size() == 1 ? "s" : "")
            + " to "
            + (rivals.size() == 1 ? "another CNI (" + rivalType + ")" : "other CNIs")
            + ". Only one CNI can own the pod network of a node: if "
            + loadedType
            + " is not the one this cluster runs, every new pod here gets the wrong network or none.";
    return context.finding(
        ID,
        RootCause.CNI_CONFIG_INVALID,
        Severity.CRITICAL,
        runtime.displayName()
            + " loads "
            + loaded.fileName()
            + " ("
            + loadedType
            + "), not "
            + first.fileName()
            + " ("
            + rivalType
            + ")",
        summary,
        evidence,
        steps);
  }

  private static Finding failsLater(CniConfig config, NodeContext context) {
    List<Evidence> evidence =
        config.problems().stream()
            .map(p -> new Evidence("cni-config", "file " + config.runtimePath(), p))
            .toList();
    return context.finding(
        ID,
        RootCause.CNI_CONFIG_INVALID,
        Severity.CRITICAL,
        "The loaded config " + config.fileName() + " will fail when pods are created",
        "The runtime loads "
            + config.fileName()
            + ", but its content makes the plugins fail at ADD: "
            + String.join("; ", config.problems())
            + ".",
        evidence,
        List.of(
            new NextStep(
                "Let the CNI agent on this node rewrite the file: find its pod and restart it",
                context.podsOnNodeCommand()),
            new NextStep(
                "Compare with the CNI's own template (its ConfigMap or DaemonSet)",
                "cat " + config.runtimePath())));
  }

  private static Finding crioSkips(List<FileStatus> skipped, NodeContext context) {
    List<Evidence> evidence =
        skipped.stream()
            .map(
                f ->
                    new Evidence(
                        "cni-config",
                        "file " + CniConfig.CONF_DIR + "/" + f.fileName(),
                        f.reason()))
            .toList();
    return context.finding(
        ID,
        RootCause.CNI_CONFIG_INVALID,
        Severity.WARNING,
        "CRI-O skips " + skipped.size() + " invalid CNI config" + (skipped.size() == 1 ? "" : "s"),
        "CRI-O skips invalid files and uses the first valid one; the invalid files are traps for a runtime"
            + " that does not skip (containerd) and hide what the node was meant to run.",
        evidence,
        skipped.stream()
            .map(f -> new NextStep("Move " + f.fileName() + " aside", moveAside(f.fileName())))
            .toList());
  }

  /** Moves a file of the conf dir to the backup directory: never a delete. */
  static String moveAside(String fileName) {
    return "mkdir -p "
        + NodeContext.BACKUP_DIR
        + " && mv "
        + CniConfig.CONF_DIR
        + "/"
        + fileName
        + " "
        + NodeContext.BACKUP_DIR
        + "/";
  }
}
