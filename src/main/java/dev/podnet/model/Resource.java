package dev.podnet.model;

/**
 * The cluster-level files of a snapshot (DESIGN.md section 3) and the API lists they mirror. Every
 * one is optional: what is missing is reported as not collected.
 */
public enum Resource {
  NODES("cluster/nodes.json", "Node", "nodes", "/api/v1/nodes"),
  PODS("cluster/pods.json", "Pod", "pods", "/api/v1/pods"),
  EVENTS("cluster/events.json", "Event", "events", "/api/v1/events"),
  DAEMONSETS("cluster/daemonsets.json", "DaemonSet", "daemonsets", "/apis/apps/v1/daemonsets"),
  CONFIGMAPS("cluster/configmaps.json", "ConfigMap", "configmaps", "/api/v1/configmaps"),
  SERVICES("cluster/services.json", "Service", "services", "/api/v1/services"),
  CALICO_IPPOOLS(
      "cluster/crds/ippools.crd.projectcalico.org.json",
      "IPPool",
      "ippools.crd.projectcalico.org",
      "/apis/crd.projectcalico.org/v1/ippools"),
  CALICO_IPAMBLOCKS(
      "cluster/crds/ipamblocks.crd.projectcalico.org.json",
      "IPAMBlock",
      "ipamblocks.crd.projectcalico.org",
      "/apis/crd.projectcalico.org/v1/ipamblocks"),
  CALICO_BLOCKAFFINITIES(
      "cluster/crds/blockaffinities.crd.projectcalico.org.json",
      "BlockAffinity",
      "blockaffinities.crd.projectcalico.org",
      "/apis/crd.projectcalico.org/v1/blockaffinities"),
  CALICO_IPAMHANDLES(
      "cluster/crds/ipamhandles.crd.projectcalico.org.json",
      "IPAMHandle",
      "ipamhandles.crd.projectcalico.org",
      "/apis/crd.projectcalico.org/v1/ipamhandles"),
  CILIUM_NODES(
      "cluster/crds/ciliumnodes.cilium.io.json",
      "CiliumNode",
      "ciliumnodes.cilium.io",
      "/apis/cilium.io/v2/ciliumnodes"),
  CLUSTER_CIDRS(
      "cluster/crds/clustercidrs.networking.k8s.io.json",
      "ClusterCIDR",
      "clustercidrs.networking.k8s.io",
      "/apis/networking.k8s.io/v1alpha1/clustercidrs"),
  WHEREABOUTS_IPPOOLS(
      "cluster/crds/ippools.whereabouts.cni.cncf.io.json",
      "IPPool",
      "ippools.whereabouts.cni.cncf.io",
      "/apis/whereabouts.cni.cncf.io/v1alpha1/ippools"),
  /**
   * Read by {@code podnet fix} only (not by the analysis). Servers before 1.21 serve only {@code
   * policy/v1beta1}; {@link #olderApiPath()} names that list.
   */
  PODDISRUPTIONBUDGETS(
      "cluster/poddisruptionbudgets.json",
      "PodDisruptionBudget",
      "poddisruptionbudgets.policy",
      "/apis/policy/v1/poddisruptionbudgets");

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

  /**
   * True for custom resources that exist only with some CNI or feature (Calico, Cilium,
   * MultiCIDRRangeAllocator): their absence is normal unless a check needs them.
   */
  public boolean optional() {
    return path.startsWith("cluster/crds/");
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

  /**
   * The list path of an older API version to try when the server answers 404 for {@link
   * #apiPath()}, or null: PodDisruptionBudgets are {@code policy/v1beta1} only before Kubernetes
   * 1.21.
   */
  public String olderApiPath() {
    return this == PODDISRUPTIONBUDGETS ? "/apis/policy/v1beta1/poddisruptionbudgets" : null;
  }
}
