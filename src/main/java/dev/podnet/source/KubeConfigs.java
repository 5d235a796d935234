package dev.podnet.source;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;

/**
 * Resolves the client configuration the way kubectl does: an explicit kubeconfig file, else
 * KUBECONFIG / ~/.kube/config, else the in-cluster service account; with an optional context.
 */
public final class KubeConfigs {
  private KubeConfigs() {}

  /**
   * The configuration for a command that writes to the cluster ({@code podnet fix --apply}, {@code
   * fix resume}); it sets its own retry policy on it.
   *
   * @param kubeconfig an explicit kubeconfig file, or null
   * @param context a kubeconfig context, or null for the current one
   */
  public static Config forCommand(String kubeconfig, String context) throws SourceException {
    return resolve(kubeconfig, context, 1, "");
  }

  /**
   * The configuration to reach the cluster with; podnet owns its retry policy, so fabric8's own
   * retries are kept short.
   *
   * @param kubeconfig an explicit kubeconfig file, or null
   * @param context a kubeconfig context, or null for the current one
   * @param whatElse what else the user could pass, for the message when no cluster is configured
   */
  static Config resolve(String kubeconfig, String context, int pageSize, String whatElse)
      throws SourceException {
    if (pageSize < 1) {
      throw new SourceException("--page-size must be at least 1, got " + pageSize);
    }
    Config config;
    try {
      if (kubeconfig != null) {
        File file = new File(kubeconfig);
        if (!file.isFile()) {
          throw new SourceException(kubeconfig + ": no such kubeconfig file");
        }
        config = Config.fromKubeconfig(context, file);
      } else {
        config = Config.autoConfigure(context);
      }
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new SourceException(
          (kubeconfig == null ? "kubeconfig" : kubeconfig)
              + ": "
              + KubeListReader.firstLine(e.getMessage()),
          e);
    }
    if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
      throw new SourceException(
          "no cluster configured: pass --kubeconfig"
              + whatElse
              + ", set KUBECONFIG, or run in a pod");
    }
    config.setRequestRetryBackoffLimit(2);
    return config;
  }
}
