package dev.podnet.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.classify.CauseCatalog;
import dev.podnet.model.ClusterModel;
import dev.podnet.model.RootCause;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SnapshotDirectorySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every check of every command runs on the real published objects of {@code
 * src/test/resources/fixtures/} (see its SOURCES.md) without error, and detects the IPAM model each
 * cluster really used.
 */
class RealFixturesTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static ClusterModel model(Path snapshot) throws Exception {
    return ModelBuilder.build(new SnapshotDirectorySource(snapshot));
  }

  /** Runs every registered check and view; returns the findings. */
  private static List<Finding> runAll(ClusterModel model) {
    List<Finding> findings = new ArrayList<>();
    findings.addAll(
        new Diagnoser(CheckRegistry.diagnoseChecks(CauseCatalog.load()))
            .diagnose(model)
            .findings());
    findings.addAll(
        new Diagnoser("cidr", CheckRegistry.cidrChecks(), CheckRegistry.cidrViews())
            .diagnose(model)
            .findings());
    findings.addAll(
        new Diagnoser("ipam", CheckRegistry.ipamChecks(), CheckRegistry.ipamViews())
            .diagnose(model)
            .findings());
    return findings;
  }

  @ParameterizedTest
  @CsvSource({
    "kind-sonobuoy, NODE_IPAM",
    "aks-1.16, NODE_IPAM",
    "gke-1.10, NODE_IPAM",
    "kops-1.6, NODE_IPAM",
    "eks-qovery, AWS_VPC_CNI",
    "mixed-doks-microk8s, NODE_IPAM"
  })
  void nodeFixtures(String fixture, IpamModel expected) throws Exception {
    ClusterModel model = model(FIXTURES.resolve(fixture));
    assertThat(ClusterNetwork.of(model).model()).isEqualTo(expected);
    List<Finding> findings = runAll(model);
    if (fixture.equals("eks-qovery")) {
      assertThat(findings).noneMatch(f -> f.cause() == RootCause.NODE_CIDR_MISSING);
    }
    if (fixture.equals("mixed-doks-microk8s")) {
      // the published dump's author redacted the CIDRs as "***HIDDEN***/25"
      assertThat(findings)
          .anyMatch(
              f ->
                  f.checkId().contains("node-cidr-shape")
                      && f.summary().contains("does not parse"));
    }
  }

  private Path snapshotWith(String file, JsonNode list) throws Exception {
    Path snapshot = Files.createTempDirectory(tmp, "snap");
    Path path = snapshot.resolve(file);
    Files.createDirectories(path.getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(path.toFile(), list);
    return snapshot;
  }

  private static ObjectNode listOf(JsonNode... items) {
    ObjectNode list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
    ArrayNode array = list.putArray("items");
    for (JsonNode item : items) {
      array.add(item);
    }
    return list;
  }

  private static JsonNode yaml(String name) throws Exception {
    return YAML.readTree(FIXTURES.resolve("yaml").resolve(name).toFile());
  }

  @Test
  void kubeadmControllerManagerManifest() throws Exception {
    ObjectNode pod = (ObjectNode) yaml("kubeadm-1.8.1-kcm-CMeza99.yaml");
    ClusterModel model = model(snapshotWith("cluster/pods.json", listOf(pod)));
    ClusterNetwork network = ClusterNetwork.of(model);
    assertThat(network.model()).isEqualTo(IpamModel.NODE_IPAM);
    assertThat(network.clusterCidrs()).extracting(c -> c.text()).containsExactly("192.168.0.0/16");
    assertThat(network.nodeMasks()).containsExactly(24);
    runAll(model);
  }

  @ParameterizedTest
  @CsvSource({
    "kubeadm-1.27.3-kcm-masked-cidrs-busygina83.yaml",
    "kubeadm-1.30.0-kcm-ip-placeholders-spark-design.yaml"
  })
  void maskedControllerManagerFlagsAreNotGuessed(String file) throws Exception {
    ClusterModel model = model(snapshotWith("cluster/pods.json", listOf(yaml(file))));
    ClusterNetwork network = ClusterNetwork.of(model);
    assertThat(network.model()).isEqualTo(IpamModel.NODE_IPAM);
    assertThat(network.clusterCidrs()).isEmpty();
    runAll(model);
  }

  @Test
  void calicoPoolsFromCalicoctl() throws Exception {
    JsonNode pools = yaml("ippool-list-ipip-never-calico-windows-docs.yaml");
    ClusterModel model =
        model(snapshotWith("cluster/crds/ippools.crd.projectcalico.org.json", pools));
    ClusterNetwork network = ClusterNetwork.of(model);
    assertThat(network.model()).isEqualTo(IpamModel.CALICO_IPAM);
    assertThat(network.layers()).anyMatch(l -> l.value().startsWith("192.168.0.0/16"));
    runAll(model);
  }

  @Test
  void clusterCidrObjects() throws Exception {
    JsonNode clusterCidr = yaml("node-ipam-controller-dual.yaml");
    ClusterModel model =
        model(
            snapshotWith("cluster/crds/clustercidrs.networking.k8s.io.json", listOf(clusterCidr)));
    ClusterNetwork network = ClusterNetwork.of(model);
    assertThat(network.model()).isEqualTo(IpamModel.NODE_IPAM);
    assertThat(network.layers())
        .anyMatch(l -> l.layer().startsWith("ClusterCIDR clustercidr-test"));
    runAll(model);
  }

  @Test
  void flannelNetConf() throws Exception {
    String netConf =
        Files.readString(FIXTURES.resolve("yaml/net-conf.json-udp-subnetlen-flannel-docs.json"));
    ObjectNode configMap = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
    configMap
        .putObject("metadata")
        .put("name", "kube-flannel-cfg")
        .put("namespace", "kube-flannel");
    configMap.putObject("data").put("net-conf.json", netConf);
    ClusterModel model = model(snapshotWith("cluster/configmaps.json", listOf(configMap)));
    ClusterNetwork network = ClusterNetwork.of(model);
    assertThat(network.layers())
        .anyMatch(
            l ->
                l.layer().equals("flannel net-conf.json Network")
                    && l.value().equals("10.0.0.0/8"));
    assertThat(network.model()).isEqualTo(IpamModel.NODE_IPAM);
    runAll(model);
  }
}
