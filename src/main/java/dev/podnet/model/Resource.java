package dev.podnet.model;

/**
 * The cluster-level files of a snapshot (DESIGN.md section 3) and the API lists they mirror.
 * Every one is optional: what is missing is reported as not collected.
 */
public enum Resource {
  NODES("cluster/nodes.json", "nodes", "/api/v1/nodes"),
  PODS("cluster/pods.json", "pods", "/api/v1/pods"),
  EVENTS("cluster/events.json", "events", "/api/v1/events"),
  DAEMONSETS("cluster/daemonsets.json", "daemonsets", "/apis/apps/v1/daemonsets"),
  CONFIGMAPS("cluster/configmaps.json", "configmaps", "/api/v1/namespaces/kube-system/configmaps"),
  SERVICES("cluster/services.json", "services", "/api/v1/services");

  private final String path;
  private final String plural;
  private final String apiPath;

  Resource(String path, String plural, String apiPath) {
    this.path = path;
    this.plural = plural;
    this.apiPath = apiPath;
  }

  /** The file's path inside a snapshot. */
  public String path() {
    return path;
  }

  /** The kubectl resource name, as in {@code kubectl get <plural>}. */
  public String plural() {
    return plural;
  }

  /** The API path that lists it across namespaces. */
  public String apiPath() {
    return apiPath;
  }
}
