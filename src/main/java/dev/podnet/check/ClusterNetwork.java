package dev.podnet.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.cidr.Cidr;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.CniAgent;
import dev.podnet.model.ConfigMapInfo;
import dev.podnet.model.IpamData;
import dev.podnet.model.NodeInfo;
import dev.podnet.model.PodInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's network settings as every layer states them (controller-manager flags,
 * kubeadm-config, kube-proxy, the CNI's pool, ClusterCIDR objects), the IPAM model decided from
 * that evidence, and the effective cluster CIDRs, node masks and service CIDRs.
 *
 * @param clusterCidrs the current cluster CIDRs: the controller-manager's flag, else kubeadm's
 *     podSubnet, else the CNI's pool
 * @param nodeMasks node mask per cluster CIDR, same order; empty when unknown
 * @param layers every statement of a CIDR, in a fixed order
 */
public record ClusterNetwork(
    IpamModel model,
    List<String> modelEvidence,
    List<Cidr> clusterCidrs,
    String clusterCidrSource,
    List<Integer> nodeMasks,
    List<Cidr> serviceCidrs,
    String serviceCidrSource,
    List<Layer> layers,
    Optional<PodInfo> controllerManager,
    Map<String, String> controllerManagerFlags) {

  /** One layer's statement of a CIDR. */
  public record Layer(String layer, String source, String value) {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last model read and its network: every check of a run asks for the same model. */
  private record Memo(ClusterModel model, ClusterNetwork network) {}

  private static volatile Memo last;

  /** Reads every layer of the model (once per model: the result is remembered by identity). */
  public static ClusterNetwork of(ClusterModel model) {
    Memo memo = last;
    if (memo != null && memo.model() == model) {
      return memo.network();
    }
    ClusterNetwork network = read(model);
    last = new Memo(model, network);
    return network;
  }

  private static ClusterNetwork read(ClusterModel model) {
    List<Layer> layers = new ArrayList<>();
    Optional<PodInfo> kcm = NodeCidrExpectation.controllerManager(model);
    Map<String, String> flags = kcm.map(p -> flags(p.command())).orElse(Map.of());
    String kcmSource = kcm.map(p -> "pod " + p.key()).orElse(null);
    if (flags.containsKey("cluster-cidr")) {
      layers.add(
          new Layer(
              "kube-controller-manager --cluster-cidr", kcmSource, flags.get("cluster-cidr")));
    }
    for (String mask :
        List.of("node-cidr-mask-size", "node-cidr-mask-size-ipv4", "node-cidr-mask-size-ipv6")) {
      if (flags.containsKey(mask)) {
        layers.add(new Layer("kube-controller-manager --" + mask, kcmSource, flags.get(mask)));
      }
    }
    if (flags.containsKey("service-cluster-ip-range")) {
      layers.add(
          new Layer(
              "kube-controller-manager --service-cluster-ip-range",
              kcmSource,
              flags.get("service-cluster-ip-range")));
    }
    String podSubnet = null;
    String serviceSubnet = null;
    Map<String, String> kubeadmExtraArgs = new LinkedHashMap<>();
    ConfigMapInfo kubeadm = model.configMaps().get("kube-system/kubeadm-config");
    if (kubeadm != null && kubeadm.data().containsKey("ClusterConfiguration")) {
      JsonNode config = yaml(kubeadm.data().get("ClusterConfiguration"));
      podSubnet = text(config.path("networking").path("podSubnet"));
      serviceSubnet = text(config.path("networking").path("serviceSubnet"));
      JsonNode extraArgs = config.path("controllerManager").path("extraArgs");
      if (extraArgs.isObject()) {
        extraArgs
            .fields()
            .forEachRemaining(e -> kubeadmExtraArgs.put(e.getKey(), e.getValue().asText()));
      } else if (extraArgs.isArray()) {
        for (JsonNode arg : extraArgs) {
          kubeadmExtraArgs.put(arg.path("name").asText(), arg.path("value").asText());
        }
      }
      String source = "configmap kube-system/kubeadm-config";
      if (podSubnet != null) {
        layers.add(new Layer("kubeadm networking.podSubnet", source, podSubnet));
      }
      if (serviceSubnet != null) {
        layers.add(new Layer("kubeadm networking.serviceSubnet", source, serviceSubnet));
      }
    }
    ConfigMapInfo kubeProxy = model.configMaps().get("kube-system/kube-proxy");
    if (kubeProxy != null && kubeProxy.data().containsKey("config.conf")) {
      String clusterCidr = text(yaml(kubeProxy.data().get("config.conf")).path("clusterCIDR"));
      if (clusterCidr != null && !clusterCidr.isEmpty()) {
        layers.add(
            new Layer("kube-proxy clusterCIDR", "configmap kube-system/kube-proxy", clusterCidr));
      }
    }
    String flannelNetwork = null;
    for (String key : List.of("kube-flannel/kube-flannel-cfg", "kube-system/kube-flannel-cfg")) {
      ConfigMapInfo flannel = model.configMaps().get(key);
      if (flannel != null && flannel.data().containsKey("net-conf.json")) {
        JsonNode netConf = json(flannel.data().get("net-conf.json"));
        flannelNetwork = text(netConf.path("Network"));
        if (flannelNetwork != null) {
          layers.add(
              new Layer("flannel net-conf.json Network", "configmap " + key, flannelNetwork));
        }
        String ipv6 = text(netConf.path("IPv6Network"));
        if (ipv6 != null) {
          layers.add(new Layer("flannel net-conf.json IPv6Network", "configmap " + key, ipv6));
        }
      }
    }
    String ciliumIpam = null;
    String ciliumPool = null;
    ConfigMapInfo cilium = model.configMaps().get("kube-system/cilium-config");
    if (cilium != null) {
      ciliumIpam = cilium.data().get("ipam");
      ciliumPool = cilium.data().get("cluster-pool-ipv4-cidr");
      if (ciliumPool != null) {
        layers.add(
            new Layer(
                "cilium cluster-pool-ipv4-cidr",
                "configmap kube-system/cilium-config",
                ciliumPool));
      }
    }
    for (IpamData.CalicoPool pool : model.ipam().calicoPools()) {
      layers.add(
          new Layer(
              "calico IPPool " + pool.name() + (pool.disabled() ? " (disabled)" : ""),
              "ippool " + pool.name(),
              pool.cidr() + (pool.blockSize() > 0 ? " blockSize " + pool.blockSize() : "")));
    }
    for (IpamData.ClusterCidrObject object : model.ipam().clusterCidrs()) {
      String value = String.join(",", nonNull(object.ipv4(), object.ipv6()));
      layers.add(
          new Layer(
              "ClusterCIDR "
                  + object.name()
                  + " (perNodeHostBits "
                  + object.perNodeHostBits()
                  + ")",
              "clustercidr " + object.name(),
              value));
    }

    // The IPAM model, from the strongest evidence down.
    List<String> evidence = new ArrayList<>();
    IpamModel ipamModel = IpamModel.UNKNOWN;
    AgentView agents = new AgentView(model);
    List<String> products = agents.products().stream().map(CniAgent::product).toList();
    boolean allocate =
        "true".equals(flags.get("allocate-node-cidrs"))
            || "true".equals(kubeadmExtraArgs.get("allocate-node-cidrs"));
    long withCidr = model.nodes().values().stream().filter(n -> !n.hasNoPodCidr()).count();
    String calicoCni =
        model.configMaps().values().stream()
            .filter(c -> c.name().equals("calico-config") || c.name().equals("canal-config"))
            .map(c -> c.data().getOrDefault("cni_network_config", ""))
            .findFirst()
            .orElse(null);
    if (products.contains("AWS VPC CNI")) {
      ipamModel = IpamModel.AWS_VPC_CNI;
      evidence.add("the aws-node DaemonSet (AWS VPC CNI) runs in the cluster");
    } else if (products.contains("Azure CNS")) {
      ipamModel = IpamModel.AZURE_CNI;
      evidence.add("the azure-cns DaemonSet (Azure CNI) runs in the cluster");
    } else if (ciliumIpam != null && !"kubernetes".equals(ciliumIpam)) {
      ipamModel =
          switch (ciliumIpam) {
            case "multi-pool" -> IpamModel.CILIUM_MULTI_POOL;
            case "eni", "azure", "alibabacloud" -> IpamModel.CILIUM_CLOUD;
            default -> IpamModel.CILIUM_CLUSTER_POOL;
          };
      evidence.add("cilium-config says ipam: " + ciliumIpam);
    } else if ((!model.ipam().calicoPools().isEmpty()
            || (calicoCni != null && calicoCni.contains("calico-ipam")))
        && (calicoCni == null || !calicoCni.contains("host-local"))) {
      ipamModel = IpamModel.CALICO_IPAM;
      evidence.add(
          model.ipam().calicoPools().isEmpty()
              ? "calico-config's CNI config uses calico-ipam"
              : model.ipam().calicoPools().size() + " Calico IPPool(s) collected");
    } else if (allocate) {
      ipamModel = IpamModel.NODE_IPAM;
      evidence.add(
          "kube-controller-manager runs with --allocate-node-cidrs=true"
              + (flags.containsKey("cluster-cidr")
                  ? " --cluster-cidr=" + flags.get("cluster-cidr")
                  : "")
              + (flags.containsKey("allocate-node-cidrs") ? "" : " (kubeadm-config extraArgs)"));
    } else if (ciliumIpam != null) {
      ipamModel = IpamModel.NODE_IPAM;
      evidence.add("cilium-config says ipam: kubernetes (addresses from the node's podCIDR)");
    } else if (!model.ipam().clusterCidrs().isEmpty()) {
      ipamModel = IpamModel.NODE_IPAM;
      evidence.add(
          model.ipam().clusterCidrs().size()
              + " ClusterCIDR object(s): the MultiCIDRRangeAllocator assigns node CIDRs");
    } else if (withCidr > 0) {
      ipamModel = IpamModel.NODE_IPAM;
      evidence.add(withCidr + " of " + model.nodes().size() + " nodes hold a pod CIDR");
    }
    if (ipamModel == IpamModel.UNKNOWN && withCidr == 0 && !model.nodes().isEmpty()) {
      boolean eks =
          model.nodes().values().stream()
              .allMatch(
                  n ->
                      n.labels().containsKey("eks.amazonaws.com/nodegroup")
                          || (n.providerId() != null
                              && n.providerId().startsWith("aws://")
                              && !n.labels().containsKey("kops.k8s.io/instancegroup")));
      if (eks) {
        ipamModel = IpamModel.AWS_VPC_CNI;
        evidence.add(
            "AWS nodes without podCIDRs: the AWS VPC CNI (EKS's default) gives pods VPC addresses");
      }
    }
    if (flannelNetwork != null && ipamModel == IpamModel.UNKNOWN) {
      ipamModel = IpamModel.NODE_IPAM;
      evidence.add("flannel's kube subnet manager takes each node's podCIDR");
    }
    String managed = managedCloud(model);
    if (managed != null) {
      evidence.add(managed);
    }
    if (kcm.isEmpty()) {
      evidence.add(
          "no kube-controller-manager pod was seen (managed control plane, or pods not collected)");
    }

    // Effective cluster CIDRs and node masks.
    List<Cidr> clusterCidrs = List.of();
    String clusterSource = null;
    List<Integer> masks = List.of();
    if (flags.containsKey("cluster-cidr")) {
      clusterCidrs = cidrs(flags.get("cluster-cidr"));
      clusterSource = "kube-controller-manager --cluster-cidr";
    } else if (podSubnet != null) {
      clusterCidrs = cidrs(podSubnet);
      clusterSource = "kubeadm networking.podSubnet";
    } else if (ipamModel == IpamModel.CALICO_IPAM && !model.ipam().calicoPools().isEmpty()) {
      clusterCidrs =
          cidrs(
              String.join(
                  ",",
                  model.ipam().calicoPools().stream()
                      .filter(p -> !p.disabled())
                      .map(IpamData.CalicoPool::cidr)
                      .toList()));
      clusterSource = "Calico IPPools";
    } else if (ciliumPool != null) {
      clusterCidrs = cidrs(ciliumPool);
      clusterSource = "cilium cluster-pool-ipv4-cidr";
    } else if (flannelNetwork != null) {
      clusterCidrs = cidrs(flannelNetwork);
      clusterSource = "flannel net-conf.json Network";
    }
    if (!clusterCidrs.isEmpty() && ipamModel == IpamModel.NODE_IPAM) {
      try {
        masks =
            new dev.podnet.cidr.NodeIpamFlags(
                    clusterCidrs.stream().map(Cidr::text).reduce((a, b) -> a + "," + b).orElse(""),
                    intFlag(flags, "node-cidr-mask-size"),
                    intFlag(flags, "node-cidr-mask-size-ipv4"),
                    intFlag(flags, "node-cidr-mask-size-ipv6"))
                .nodeCidrMaskSizes();
      } catch (IllegalArgumentException e) {
        evidence.add("the controller-manager's mask flags are invalid: " + e.getMessage());
      }
    }
    List<Cidr> serviceCidrs = List.of();
    String serviceSource = null;
    if (flags.containsKey("service-cluster-ip-range")) {
      serviceCidrs = cidrs(flags.get("service-cluster-ip-range"));
      serviceSource = "kube-controller-manager --service-cluster-ip-range";
    } else if (serviceSubnet != null) {
      serviceCidrs = cidrs(serviceSubnet);
      serviceSource = "kubeadm networking.serviceSubnet";
    }
    return new ClusterNetwork(
        ipamModel,
        evidence,
        clusterCidrs,
        clusterSource,
        masks,
        serviceCidrs,
        serviceSource,
        layers,
        kcm,
        flags);
  }

  /** The managed-cloud provider the nodes belong to, in words, or null. */
  static String managedCloud(ClusterModel model) {
    for (NodeInfo node : model.nodes().values()) {
      String provider = node.providerId() == null ? "" : node.providerId();
      if (node.labels().containsKey("eks.amazonaws.com/nodegroup")) {
        return "nodes belong to EKS managed node groups (label eks.amazonaws.com/nodegroup)";
      }
      if (node.labels().containsKey("cloud.google.com/gke-nodepool")) {
        return "nodes belong to GKE node pools (label cloud.google.com/gke-nodepool)";
      }
      if (node.labels().containsKey("kubernetes.azure.com/agentpool")
          || node.labels().containsKey("agentpool") && provider.startsWith("azure://")) {
        return "nodes belong to AKS agent pools (providerID azure://)";
      }
      if (provider.startsWith("aws://")) {
        return "nodes run on AWS (providerID aws://)";
      }
      if (provider.startsWith("gce://")) {
        return "nodes run on GCE (providerID gce://)";
      }
    }
    return null;
  }

  /** True when pods take their addresses from the node podCIDRs. */
  public boolean usesNodeCidrs() {
    return model.usesNodeCidrs();
  }

  /**
   * The controller-manager's flags as name to value, from {@code --name=value} or {@code --name
   * value}.
   */
  static Map<String, String> flags(List<String> command) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < command.size(); i++) {
      String arg = command.get(i);
      if (!arg.startsWith("--")) {
        continue;
      }
      int equals = arg.indexOf('=');
      if (equals > 0) {
        flags.put(arg.substring(2, equals), arg.substring(equals + 1));
      } else if (i + 1 < command.size() && !command.get(i + 1).startsWith("--")) {
        flags.put(arg.substring(2), command.get(++i));
      } else {
        flags.put(arg.substring(2), "true");
      }
    }
    return flags;
  }

  private static int intFlag(Map<String, String> flags, String name) {
    try {
      return flags.containsKey(name) ? Integer.parseInt(flags.get(name).trim()) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Parses a comma-separated CIDR list, skipping entries that do not parse (masked, templated). */
  static List<Cidr> cidrs(String text) {
    List<Cidr> result = new ArrayList<>();
    for (String part : text.split(",")) {
      try {
        if (!part.isBlank()) {
          result.add(Cidr.parse(part.trim()));
        }
      } catch (IllegalArgumentException e) {
        // An unparseable value (e.g. an author's "X.X.X.0/16" mask) states nothing we can compare.
      }
    }
    return List.copyOf(result);
  }

  private static List<String> nonNull(String... values) {
    List<String> result = new ArrayList<>();
    for (String value : values) {
      if (value != null && !value.isEmpty()) {
        result.add(value);
      }
    }
    return result;
  }

  private static JsonNode yaml(String text) {
    try {
      JsonNode node = YAML.readTree(text);
      return node == null ? YAML.createObjectNode() : node;
    } catch (Exception e) {
      return YAML.createObjectNode();
    }
  }

  private static JsonNode json(String text) {
    try {
      JsonNode node = JSON.readTree(text);
      return node == null ? JSON.createObjectNode() : node;
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  private static String text(JsonNode node) {
    return node.isValueNode() && !node.isNull() ? node.asText() : null;
  }
}
