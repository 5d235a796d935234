package dev.podnet.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.podnet.check.Diagnosis;
import dev.podnet.check.Evidence;
import dev.podnet.check.Finding;
import dev.podnet.check.Table;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link NodeInspector} on map-backed node roots: one rule per test. */
class NodeInspectorTest {
  static final String SANDBOX_A = "a".repeat(64);
  static final String SANDBOX_B = "b".repeat(64);
  static final String GONE = "c".repeat(64);
  static final String STOPPED = "d".repeat(64);

  static final String BIN_ALL =
      "bridge 4099024 -rwxr-xr-x\nhost-local 3536552 -rwxr-xr-x\nloopback 3456744 -rwxr-xr-x\n"
          + "portmap 3990728 -rwxr-xr-x\nflannel 2842164 -rwxr-xr-x\ncalico 71184384 -rwxr-xr-x\n"
          + "calico-ipam 71184384 -rwxr-xr-x\n";

  static final String BRIDGE_30 =
      "{\"cniVersion\":\"1.0.0\",\"name\":\"lab\",\"plugins\":[{\"type\":\"bridge\",\"bridge\":\"cni0\","
          + "\"isGateway\":true,\"ipam\":{\"type\":\"host-local\",\"ranges\":[[{\"subnet\":\"10.244.1.0/29\"}]]}}]}";

  static Diagnosis inspect(MapNodeFiles files) throws NodeFilesException {
    return NodeInspector.inspect(files, NodeOptions.defaults());
  }

  static Diagnosis inspect(MapNodeFiles files, String podCidr) throws NodeFilesException {
    return NodeInspector.inspect(
        files, new NodeOptions(NodeOptions.Runtime.AUTO, podCidr, null, 0));
  }

  static Finding only(Diagnosis diagnosis, RootCause cause) {
    List<Finding> matching = diagnosis.findings().stream().filter(f -> f.cause() == cause).toList();
    assertThat(matching).as("findings with %s in %s", cause, diagnosis.findings()).hasSize(1);
    return matching.get(0);
  }

  static Table table(Diagnosis diagnosis, String id) {
    return diagnosis.tables().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
  }

  static String sandboxes(String... idAndState) {
    StringBuilder json = new StringBuilder("{\"items\":[");
    for (int i = 0; i < idAndState.length; i += 2) {
      json.append(i == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(idAndState[i])
          .append("\",\"metadata\":{\"name\":\"p")
          .append(i)
          .append("\",\"namespace\":\"demo\",\"uid\":\"u\",\"attempt\":0},\"state\":\"")
          .append(idAndState[i + 1])
          .append("\",\"createdAt\":\"1\"}");
    }
    return json.append("]}").toString();
  }

  static MapNodeFiles bridgeNode() {
    String state = "var/lib/cni/networks/lab/";
    return MapNodeFiles.collected()
        .with("etc/cni/net.d/10-lab.conflist", BRIDGE_30)
        .with("opt/cni/bin.txt", BIN_ALL)
        .with(state + "10.244.1.2", SANDBOX_A + "\r\neth0")
        .with(state + "10.244.1.3", GONE + "\r\neth0")
        .with(state + "10.244.1.4", STOPPED + "\r\neth0")
        .with(state + "10.244.1.5", GONE.replace('c', 'e'))
        .with(state + "last_reserved_ip.0", "10.244.1.5")
        .with(state + "lock", "")
        .with(
            "sandboxes.json",
            sandboxes(
                SANDBOX_A,
                "SANDBOX_READY",
                STOPPED,
                "SANDBOX_NOTREADY",
                SANDBOX_B,
                "SANDBOX_READY"));
  }

  @Test
  void leakedReservationsAreThoseWithoutARunningSandbox() throws Exception {
    Diagnosis diagnosis = inspect(bridgeNode());
    assertThat(table(diagnosis, "host-local").rows())
        .containsExactly(List.of("lab", "10.244.1.1-10.244.1.6", "5", "4", "3"));
    Finding leak = only(diagnosis, RootCause.IPAM_EXHAUSTED);
    assertThat(leak.severity()).isEqualTo(Severity.WARNING);
    assertThat(leak.evidence())
        .extracting(Evidence::subject)
        .contains(
            "file /var/lib/cni/networks/lab/10.244.1.3",
            "file /var/lib/cni/networks/lab/10.244.1.4",
            "file /var/lib/cni/networks/lab/10.244.1.5")
        .doesNotContain("file /var/lib/cni/networks/lab/10.244.1.2");
    assertThat(leak.nextSteps())
        .extracting(s -> s.command())
        .contains(
            "mkdir -p /root/cni-backup/lab && cd /var/lib/cni/networks/lab && mv 10.244.1.3 10.244.1.5 /root/cni-backup/lab/",
            "crictl rmp " + STOPPED)
        .noneMatch(c -> c != null && c.matches(".*\\brm\\s+-.*"));
  }

  @Test
  void aFullRangeIsExhaustedAndSaysHowManyAreLeaks() throws Exception {
    MapNodeFiles files =
        bridgeNode().with("var/lib/cni/networks/lab/10.244.1.6", SANDBOX_B + "\r\neth0");
    Finding finding = only(inspect(files), RootCause.IPAM_EXHAUSTED);
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.title())
        .isEqualTo(
            "host-local range 10.244.1.1-10.244.1.6 of network lab is full (3 of 5 reservations leaked)");
    assertThat(finding.evidence())
        .extracting(Evidence::text)
        .contains(
            "failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.6");
  }

  @Test
  void withoutSandboxesLeaksAreUnknownNotInvented() throws Exception {
    MapNodeFiles files = bridgeNode().with("sandboxes.json", "not json");
    Diagnosis diagnosis = inspect(files);
    assertThat(table(diagnosis, "host-local").rows())
        .containsExactly(List.of("lab", "10.244.1.1-10.244.1.6", "5", "4", "-"));
    assertThat(diagnosis.findings()).noneMatch(f -> f.cause() == RootCause.IPAM_EXHAUSTED);
    assertThat(diagnosis.notCollected())
        .anySatisfy(
            n -> {
              assertThat(n.source()).isEqualTo("sandboxes.json (crictl pods -o json)");
              assertThat(n.reason()).startsWith("unreadable:");
            });
  }

  @Test
  void usePodCidrTakesTheNodesPodCidr() throws Exception {
    MapNodeFiles files =
        MapNodeFiles.collected()
            .with(
                "etc/cni/net.d/10-calico.conflist",
                Fixtures.calicoRendered()
                    .replace(
                        "\"type\": \"calico-ipam\"",
                        "\"type\": \"host-local\", \"subnet\": \"usePodCidr\""))
            .with("opt/cni/bin.txt", BIN_ALL)
            .with("var/lib/cni/networks/k8s-pod-network/192.168.1.2", SANDBOX_A);
    assertThat(table(inspect(files, "192.168.1.0/24"), "host-local").rows())
        .containsExactly(List.of("k8s-pod-network", "192.168.1.1-192.168.1.254", "253", "1", "-"));
    assertThat(table(inspect(files), "host-local").rows().get(0).get(1))
        .isEqualTo("unknown: usePodCidr, and the node's podCIDR is not known (pass --pod-cidr)");
  }

  static MapNodeFiles flannelNode(String lease, String cni0) {
    return MapNodeFiles.collected()
        .with("etc/cni/net.d/10-flannel.conflist", Fixtures.config("flannel-10-flannel.conflist"))
        .with("opt/cni/bin.txt", BIN_ALL)
        .with(
            "run/flannel/subnet.env",
            "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET="
                + lease
                + "\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")
        .with(
            "ip-addr.json",
            "[{\"ifindex\":1,\"ifname\":\"lo\",\"flags\":[\"LOOPBACK\",\"UP\"],\"mtu\":65536,\"addr_info\":[{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8,\"scope\":\"host\"}]},"
                + "{\"ifindex\":2,\"ifname\":\"eth0\",\"flags\":[\"BROADCAST\",\"UP\"],\"mtu\":1500,\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.80.0.15\",\"prefixlen\":24,\"scope\":\"global\"}]},"
                + "{\"ifindex\":5,\"ifname\":\"cni0\",\"flags\":[\"UP\"],\"mtu\":1450,\"addr_info\":[{\"family\":\"inet\",\"local\":\""
                + cni0.split("/")[0]
                + "\",\"prefixlen\":"
                + cni0.split("/")[1]
                + ",\"scope\":\"global\"}]}]");
  }

  @Test
  void staleFlannelLeaseAgainstThePodCidr() throws Exception {
    Finding finding =
        only(
            inspect(flannelNode("10.244.3.1/24", "10.244.3.1/24"), "10.244.5.0/24"),
            RootCause.CIDR_CONFLICT);
    assertThat(finding.title())
        .isEqualTo("flannel's subnet.env (10.244.3.1/24) is not the node's podCIDR 10.244.5.0/24");
    assertThat(finding.evidence())
        .extracting(Evidence::text)
        .contains(
            "failed to set bridge addr: \"cni0\" already has an IP address different from 10.244.5.1/24");
  }

  @Test
  void bridgeAddressAgainstTheLeaseFailsNow() throws Exception {
    Finding finding =
        only(
            inspect(flannelNode("10.244.5.1/24", "10.244.3.1/24"), "10.244.5.0/24"),
            RootCause.CIDR_CONFLICT);
    assertThat(finding.evidence())
        .extracting(Evidence::text)
        .contains(
            "failed to set bridge addr: \"cni0\" already has an IP address different from 10.244.5.1/24");
    assertThat(finding.nextSteps())
        .extracting(s -> s.command())
        .contains("ip addr del 10.244.3.1/24 dev cni0");
  }

  @Test
  void agreeingLeaseBridgeAndPodCidrAreQuiet() throws Exception {
    Diagnosis diagnosis = inspect(flannelNode("10.244.5.1/24", "10.244.5.1/24"), "10.244.5.0/24");
    assertThat(diagnosis.findings()).isEmpty();
    assertThat(table(diagnosis, "host-local").rows())
        .containsExactly(
            List.of("cbr0", "10.244.5.1-10.244.5.254", "253", "-", "-")); // state not collected
  }

  @Test
  void flannelWithoutSubnetEnv() throws Exception {
    MapNodeFiles files =
        MapNodeFiles.collected()
            .with(
                "etc/cni/net.d/10-flannel.conflist", Fixtures.config("flannel-10-flannel.conflist"))
            .with("opt/cni/bin.txt", BIN_ALL);
    assertThat(only(inspect(files), RootCause.AGENT_NOT_READY).evidence())
        .extracting(Evidence::text)
        .containsExactly(FlannelCheck.SUBNET_ENV_MISSING);
  }

  @Test
  void podMtuAboveTheUplink() throws Exception {
    MapNodeFiles files =
        flannelNode("10.244.5.1/24", "10.244.5.1/24")
            .with(
                "run/flannel/subnet.env",
                "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.5.1/24\nFLANNEL_MTU=9001\n");
    Finding finding = only(inspect(files, "10.244.5.0/24"), RootCause.MTU_OR_INTERFACE);
    assertThat(finding.title()).isEqualTo("Pod MTU 9001 is larger than the MTU 1500 of eth0");
  }

  @Test
  void missingAndNonExecutableBinaries() throws Exception {
    MapNodeFiles files =
        MapNodeFiles.collected()
            .with("etc/cni/net.d/10-calico.conflist", Fixtures.calicoRendered())
            .with(
                "opt/cni/bin.txt",
                "# listing\ncalico 71184384 -rwxr-xr-x\ncalico-ipam 71184384 -rw-r--r--\nloopback 3456744 -rwxr-xr-x\n");
    Diagnosis diagnosis = inspect(files);
    Finding finding = only(diagnosis, RootCause.CNI_BINARY_MISSING);
    assertThat(finding.evidence())
        .extracting(Evidence::text)
        .contains(
            "failed to find plugin \"portmap\" in path [/opt/cni/bin]",
            "plugin type=\"portmap\" failed (add): failed to find plugin \"portmap\" in path [/opt/cni/bin]",
            "fork/exec /opt/cni/bin/calico-ipam: permission denied",
            "plugin type=\"calico\" failed (add): fork/exec /opt/cni/bin/calico-ipam: permission denied");
    assertThat(finding.nextSteps())
        .extracting(s -> s.command())
        .contains("chmod 0755 /opt/cni/bin/calico-ipam");
    assertThat(table(diagnosis, "plugin-binaries").rows())
        .containsExactly(
            List.of("calico", "10-calico.conflist plugins[0]", "present (-rwxr-xr-x)"),
            List.of(
                "calico-ipam",
                "ipam of calico in 10-calico.conflist",
                "not executable (-rw-r--r--)"),
            List.of("portmap", "10-calico.conflist plugins[1]", "missing"),
            List.of("loopback", "containerd's built-in loopback network", "present (-rwxr-xr-x)"));
  }

  @Test
  void missingLoopbackIsTheObservedCalicoMessage() throws Exception {
    MapNodeFiles files =
        MapNodeFiles.collected()
            .with(
                "etc/cni/net.d/10-flannel.conflist", Fixtures.config("flannel-10-flannel.conflist"))
            .with("opt/cni/bin.txt", BIN_ALL.replace("loopback 3456744 -rwxr-xr-x\n", ""))
            .with("run/flannel/subnet.env", "FLANNEL_SUBNET=10.244.1.1/24\n");
    // projectcalico/calico#4308: failed to find plugin "loopback" in path [/opt/cni/bin]
    assertThat(only(inspect(files), RootCause.CNI_BINARY_MISSING).evidence())
        .extracting(Evidence::text)
        .contains("failed to find plugin \"loopback\" in path [/opt/cni/bin]");
  }

  @Test
  void iptablesRulesInBothBackEnds() throws Exception {
    String legacy =
        "# Generated by iptables-save v1.8.7\n*filter\n:INPUT ACCEPT [0:0]\n:KUBE-FIREWALL - [0:0]\n-A INPUT -j KUBE-FIREWALL\nCOMMIT\n";
    String nft =
        "*mangle\n:KUBE-IPTABLES-HINT - [0:0]\nCOMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -j KUBE-SERVICES\nCOMMIT\n";
    MapNodeFiles files =
        bridgeNode().with(IptablesCheck.LEGACY_FILE, legacy).with(IptablesCheck.NFT_FILE, nft);
    Finding finding = only(inspect(files), RootCause.IPTABLES_ERROR);
    assertThat(finding.summary()).contains("kubelet's KUBE-IPTABLES-HINT chain is in the nft set");
    assertThat(finding.evidence())
        .extracting(Evidence::text)
        .containsExactly(
            "2 KUBE-* lines, e.g. :KUBE-FIREWALL - [0:0]",
            "3 KUBE-* lines, e.g. :KUBE-IPTABLES-HINT - [0:0]");
    MapNodeFiles oneSided =
        bridgeNode()
            .with(IptablesCheck.LEGACY_FILE, "*filter\nCOMMIT\n")
            .with(IptablesCheck.NFT_FILE, nft);
    assertThat(inspect(oneSided).findings()).noneMatch(f -> f.cause() == RootCause.IPTABLES_ERROR);
  }

  @Test
  void anEmptyConfDirIsCniConfigMissing() throws Exception {
    MapNodeFiles files =
        MapNodeFiles.collected()
            .with("etc/cni/net.d/", "")
            .with("etc/cni/net.d/10-calico.conflist.bak", Fixtures.calicoRendered())
            .with("opt/cni/bin.txt", BIN_ALL);
    Finding finding = only(inspect(files), RootCause.CNI_CONFIG_MISSING);
    assertThat(finding.evidence())
        .extracting(Evidence::text)
        .contains(
            "no network config found in /etc/cni/net.d: cni plugin not initialized",
            ConfigCheck.CONTAINERD_NOT_READY);
    assertThat(finding.nextSteps())
        .extracting(s -> s.command())
        .contains("mv /etc/cni/net.d/10-calico.conflist.bak /etc/cni/net.d/10-calico.conflist");
  }

  @Test
  void crioIsDetectedFromItsConfigAndSaysItsOwnMessage() throws Exception {
    MapNodeFiles files =
        new MapNodeFiles(true)
            .with("etc/crio/crio.conf", "[crio.network]\n")
            .with("opt/cni/bin.txt", BIN_ALL);
    Finding finding = only(inspect(files), RootCause.CNI_CONFIG_MISSING);
    assertThat(finding.title()).isEqualTo("No CNI config for CRI-O in /etc/cni/net.d");
    assertThat(finding.evidence())
        .extracting(Evidence::text)
        .contains(
            "no CNI configuration file in /etc/cni/net.d/. Has your network provider started?");
  }

  @Test
  void maxConfNumComesFromContainerdsConfig() {
    assertThat(
            NodeInspector.maxConfNum(
                java.util.Optional.of(
                    "[plugins.\"io.containerd.grpc.v1.cri\".cni]\n  bin_dir = \"/opt/cni/bin\"\n  max_conf_num = 2\n")))
        .isEqualTo(2);
    assertThat(NodeInspector.maxConfNum(java.util.Optional.of("version = 2\n"))).isEqualTo(1);
  }

  @Test
  void aFolderWithNoNodeFilesIsRefused() {
    MapNodeFiles files = MapNodeFiles.collected().with("nodes/worker-1/sandboxes.json", "{}");
    assertThatThrownBy(() -> inspect(files))
        .isInstanceOf(NodeFilesException.class)
        .hasMessageContaining("not a node root")
        .hasMessageContaining("--snapshot DIR --node NAME");
  }
}
