package dev.podnet.model;

/**
 * The cluster-level files of a snapshot (DESIGN.md section 3) and the API lists they mirror.
 * Every one is optional: what is missing is reported as not collected.
 */
public enum Resource {
  NODES("cluster/nodes.json", "Node", "nodes", "/api/v1/nodes"),
  PODS("cluster/pods.json", "Pod", "pods", "/api/v1/pods"),
  EVENTS("cluster/events.json", "Event", "events", "/api/v1/events"),
  DAEMONSETS("cluster/daemonsets.json", "DaemonSet", "daemonsets", "/apis/apps/v1/daemonsets"),
  CONFIGMAPS(
      "cluster/configmaps.json",
      "ConfigMap",
      "configmaps",
      "/api/v1/configmaps"),
  SERVICES("cluster/services.json", "Service", "services", "/api/v1/services");

  private final String path;
  private final String kind;
  private final String plural;
  private final String apiPath;

  Resource(String path, String kind, String plural, String apiPath) {
    this.path = path;
    this.kind = kind;
    this.plural = plural;
    this.apiPath = apiPath;
  }

  /** The kind of the list's items, e.g. {@code Node}. */
  public String kind() {
    return kind;
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
