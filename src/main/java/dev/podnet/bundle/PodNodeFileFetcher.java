package dev.podnet.bundle;

import dev.podnet.source.RawListCopier;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Fetches a node's files through a short-lived pod on it: privileged (SELinux and AppArmor would
 * otherwise hide host files), the host paths mounted read-only, tolerating every taint, never
 * restarted, labelled {@code podnet.dev/bundle=<run id>}. It copies the files (following links, so
 * the archive holds none) into its own filesystem, runs the {@link HostCommand}s with the host's
 * binaries through {@code nsenter} into the host's namespaces (hence {@code hostPID: true}; the
 * image needs no crictl, ip or iptables of its own), then tars, gzips and base64s the lot to
 * stdout, and is read through its log: base64 because the log path is line-oriented text. The pod
 * is deleted afterwards, whatever happened.
 *
 * <p>The pod's script is a constant: the host commands are argument lists, each word single-quoted;
 * no name, label or other value from the cluster or the user is ever put into it.
 */
public final class PodNodeFileFetcher implements NodeFileFetcher {
  /** The label every podnet node-file pod carries; its value is the bundle run's id. */
  public static final String RUN_LABEL = "podnet.dev/bundle";

  /**
   * The default image: a shell, tar, gzip, base64, timeout and nsenter in 2 MB. It has no crictl,
   * ip or iptables: those are the host's, reached through nsenter.
   */
  public static final String DEFAULT_IMAGE = "busybox:1.36";

  /** The host paths mounted (read-only) and copied. */
  static final List<String> HOST_PATHS =
      List.of("/etc/cni/net.d", "/opt/cni/bin", "/var/lib/cni", "/run/flannel", "/var/log");

  /**
   * Bytes of each runtime log kept (the end of it): recent failures matter, old ones rarely; and
   * {@code podnet node} holds node files up to 16 MiB, redaction markers included.
   */
  static final long LOG_TAIL_BYTES = 15L << 20;

  /**
   * The script the pod runs, with the host mounted at {@code /host} and output under {@code /out}.
   */
  static final String SCRIPT = script("/host", "/out");

  /**
   * The pod's script: copies the host's files from {@code host} into {@code out}, runs each {@link
   * HostCommand} into {@code out/<file>} with its status in {@code out/.podnet/<file>} (the exit
   * status or {@code over}, then the start of its stderr; a failed or oversized output is removed),
   * and writes {@code out} as base64 of a {@code .tar.gz} to stdout. Tests run it with other
   * directories and a stand-in {@code nsenter}.
   */
  static String script(String host, String out) {
    long keep = HostCommand.MAX_OUTPUT_BYTES;
    StringBuilder script =
        new StringBuilder()
            .append("host=")
            .append(quote(host))
            .append("\nout=")
            .append(quote(out))
            .append("\n")
            // stdout is the archive; a stray error line on the log would corrupt it
            .append("exec 2>/dev/null\n")
            .append("mkdir -p \"$out/etc/cni\" \"$out/var/lib\" \"$out/run\" \"$out/opt/cni\"")
            .append(" \"$out/logs\" \"$out/.podnet\"\n")
            .append("cp -RL \"$host/etc/cni/net.d\" \"$out/etc/cni/\"\n")
            .append("cp -RL \"$host/var/lib/cni\" \"$out/var/lib/\"\n")
            .append("cp -RL \"$host/run/flannel\" \"$out/run/\"\n")
            // 'name size mode' lines, as podnet node reads them; -L: what the runtime would run
            .append(
                "[ -d \"$host/opt/cni/bin\" ] && { echo \"# stat -L -c '%n %s %A' /opt/cni/bin/*\";")
            .append(" cd \"$host/opt/cni/bin\" && stat -L -c '%n %s %A' -- *; cd /; }")
            .append(" > \"$out/opt/cni/bin.txt\"\n")
            .append("for f in kubelet containerd crio; do\n")
            .append("  [ -f \"$host/var/log/$f.log\" ] && tail -c ")
            .append(LOG_TAIL_BYTES)
            .append(" \"$host/var/log/$f.log\" > \"$out/logs/$f.log\"\n")
            .append("done\n")
            .append("run() {\n")
            .append("  f=$1; shift; s=\"$out/.podnet/$f\"\n")
            .append("  { \"$@\" 2>\"$s.err\"; echo $? >\"$s.rc\"; } | head -c ")
            .append(keep + 1)
            .append(" >\"$out/$f\"\n")
            .append("  size=$(wc -c <\"$out/$f\")\n")
            .append("  if [ $size -gt ")
            .append(keep)
            .append(" ]; then echo over >\"$s\"; else cat \"$s.rc\" >\"$s\"; fi\n")
            .append("  head -c ")
            .append(HostCommand.MAX_STDERR_BYTES)
            .append(" \"$s.err\" >>\"$s\"\n")
            .append("  rm -f \"$s.rc\" \"$s.err\"\n")
            .append("  [ \"$(head -n 1 \"$s\")\" = 0 ] || rm -f \"$out/$f\"\n")
            .append("}\n");
    for (HostCommand command : HostCommand.ALL) {
      script.append("run ").append(quote(command.file()));
      for (String word : command.podArgv()) {
        script.append(' ').append(quote(word));
      }
      script.append('\n');
    }
    return script.append("cd \"$out\" && tar -cf - . | gzip -c | base64\n").toString();
  }

  /** One shell word: single-quoted, a quote inside closed, escaped and reopened. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * How the pods are made.
   *
   * @param image the container image (needs sh, cp, stat, tail, head, wc, timeout, nsenter, tar,
   *     gzip, base64: busybox has them all)
   * @param namespace where the pods are created
   * @param startTimeout how long a pod may take to start; beyond it the node is skipped
   * @param runTimeout how long a started pod may take to finish
   * @param runId the value of the {@value #RUN_LABEL} label
   */
  public record Settings(
      String image, String namespace, Duration startTimeout, Duration runTimeout, String runId) {}

  private final KubernetesClient client;
  private final Settings settings;
  private final boolean ownsClient;

  /** A fetcher using the caller's client, which stays open. */
  public PodNodeFileFetcher(KubernetesClient client, Settings settings) {
    this(client, settings, false);
  }

  private PodNodeFileFetcher(KubernetesClient client, Settings settings, boolean ownsClient) {
    this.client = client;
    this.settings = settings;
    this.ownsClient = ownsClient;
  }

  /** A fetcher with its own client for the cluster the lists come from; {@link #close()} it. */
  public static PodNodeFileFetcher forCluster(RawListCopier lists, Settings settings) {
    return new PodNodeFileFetcher(
        new KubernetesClientBuilder().withConfig(lists.config()).build(), settings, true);
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  @Override
  public void fetch(String node, ArchiveHandler handler) throws NodeSkipped, IOException {
    String name;
    try {
      name =
          client
              .pods()
              .inNamespace(settings.namespace())
              .resource(pod(node))
              .create()
              .getMetadata()
              .getName();
    } catch (KubernetesClientException e) {
      throw new NodeSkipped(
          "cannot create a pod in namespace "
              + settings.namespace()
              + " (HTTP "
              + e.getCode()
              + "): "
              + SafeArchive.firstLine(
                  String.valueOf(
                      e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage())));
    }
    try {
      awaitCompletion(name);
      try (InputStream log =
          client.pods().inNamespace(settings.namespace()).withName(name).getLogInputStream()) {
        handler.read(Base64.getMimeDecoder().wrap(log));
      }
    } catch (KubernetesClientException e) {
      throw new NodeSkipped(
          "pod "
              + settings.namespace()
              + "/"
              + name
              + ": "
              + SafeArchive.firstLine(String.valueOf(e.getMessage())));
    } finally {
      delete(name);
    }
  }

  private void awaitCompletion(String name) throws NodeSkipped {
    long started = System.nanoTime();
    Duration limit = settings.startTimeout();
    boolean running = false;
    while (true) {
      Pod pod = client.pods().inNamespace(settings.namespace()).withName(name).get();
      String phase =
          pod == null || pod.getStatus() == null
              ? "Unknown"
              : String.valueOf(pod.getStatus().getPhase());
      if ("Succeeded".equals(phase)) {
        return;
      }
      if ("Failed".equals(phase) || pod == null) {
        throw new NodeSkipped(
            "pod "
                + settings.namespace()
                + "/"
                + name
                + " "
                + (pod == null ? "disappeared" : "failed"));
      }
      if (!running && "Running".equals(phase)) {
        running = true;
        started = System.nanoTime();
        limit = settings.runTimeout();
      }
      if (System.nanoTime() - started > limit.toNanos()) {
        throw new NodeSkipped(
            "pod "
                + settings.namespace()
                + "/"
                + name
                + (running ? " did not finish within " : " did not start within ")
                + limit.toSeconds()
                + " s (phase "
                + phase
                + ")");
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeSkipped("interrupted");
      }
    }
  }

  private void delete(String name) {
    try {
      client.pods().inNamespace(settings.namespace()).withName(name).withGracePeriod(0).delete();
    } catch (KubernetesClientException e) {
      // reported by the caller's next step if it matters; never masks the original outcome
    }
  }

  /** The pod for one node. */
  Pod pod(String node) {
    List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>();
    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
    for (String path : HOST_PATHS) {
      String volume = "host" + path.replaceAll("[^a-z0-9]", "-").toLowerCase(Locale.ROOT);
      volumes.add(
          new VolumeBuilder()
              .withName(volume)
              .withNewHostPath()
              .withPath(path)
              .endHostPath()
              .build());
      mounts.add(
          new VolumeMountBuilder()
              .withName(volume)
              .withMountPath("/host" + path)
              .withReadOnly(true)
              .build());
    }
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName("podnet-node-files-")
        .withNamespace(settings.namespace())
        .addToLabels(RUN_LABEL, settings.runId())
        .addToAnnotations("podnet.dev/node", node)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withHostPID(true)
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withActiveDeadlineSeconds(
            settings.startTimeout().plus(settings.runTimeout()).toSeconds() + 30)
        .addNewToleration()
        .withOperator("Exists")
        .endToleration()
        .addNewContainer()
        .withName("files")
        .withImage(settings.image())
        .withCommand("sh", "-c", SCRIPT)
        .withNewSecurityContext()
        .withPrivileged(true)
        .endSecurityContext()
        .withVolumeMounts(mounts)
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .build();
  }
}
