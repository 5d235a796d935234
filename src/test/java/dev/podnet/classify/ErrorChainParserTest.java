package dev.podnet.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One test per wrapper the parser peels, each on a message quoted from upstream (the source is
 * named beside it), checking the field that wrapper carries.
 */
class ErrorChainParserTest {

  private static final String SANDBOX =
      "20d3feb0e9ed29a754fb921b8ae728d4b2d6035d2add28d7e1d4b1f7ce08be10";

  @Test
  void kubeletContainerdAndLibcniLayersOfACalicoFailure() {
    // easzlab/kubeasz#1332, quoted in reference/cni-config-and-messages.md section 3.3
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
                + " for sandbox \""
                + SANDBOX
                + "\": plugin type=\"calico\" failed (add): Unauthorized");

    assertThat(chain.layers())
        .containsExactly(
            "Failed to create pod sandbox",
            "rpc error: code = Unknown",
            "failed to setup network for sandbox \"" + SANDBOX + "\"",
            "plugin type=\"calico\" failed (add)",
            "Unauthorized");
    assertThat(chain.sandboxId()).isEqualTo(SANDBOX);
    assertThat(chain.grpcCode()).isEqualTo("Unknown");
    assertThat(chain.plugin()).isEqualTo("calico");
    assertThat(chain.pluginName()).isNull();
    assertThat(chain.operation()).isEqualTo("add");
    assertThat(chain.innermost()).isEqualTo("Unauthorized");
  }

  @Test
  void libcniPluginNameAndDeleteOperation() {
    // kubesphere/kubekey#2504 (kubelet structured log line, escaped quotes)
    ErrorChain chain =
        ErrorChainParser.parse(
            "E0310 11:23:33.100579   30360 log.go:32] \"StopPodSandbox from runtime service failed\""
                + " err=\"rpc error: code = Unknown desc = failed to destroy network for sandbox"
                + " \\\"e0f6665744e6f48928559cbfb3662c9d21a009331801da410c8152b2d37cdd0e\\\": plugin"
                + " type=\\\"calico\\\" failed (delete): stat /var/lib/calico/nodename: no such file"
                + " or directory: check that the calico/node container is running and has mounted"
                + " /var/lib/calico/\""
                + " podSandboxID=\"e0f6665744e6f48928559cbfb3662c9d21a009331801da410c8152b2d37cdd0e\"");

    assertThat(chain.plugin()).isEqualTo("calico");
    assertThat(chain.operation()).isEqualTo("delete");
    assertThat(chain.sandboxId())
        .isEqualTo("e0f6665744e6f48928559cbfb3662c9d21a009331801da410c8152b2d37cdd0e");
    assertThat(chain.innermost())
        .isEqualTo(
            "stat /var/lib/calico/nodename: no such file or directory: check that the calico/node"
                + " container is running and has mounted /var/lib/calico/");
  }

  @Test
  void awsCniPluginWithItsOwnName() {
    // kubernetes/kubernetes#131071
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
                + " for sandbox \"40d7bc158517c6954d0e8f1ba2bbc04e376e3123ab38227d6a601b7b1bb48ccf\":"
                + " plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign"
                + " an IP address to container");

    assertThat(chain.plugin()).isEqualTo("aws-cni");
    assertThat(chain.pluginName()).isEqualTo("aws-cni");
    assertThat(chain.layers()).contains("add cmd");
    assertThat(chain.innermost()).isEqualTo("failed to assign an IP address to container");
  }

  @Test
  void dockershimSandboxAndNetworkPluginWrappersNameThePod() {
    // aws/amazon-vpc-cni-k8s#668: kubectl describe row, event count, combined events, old kubelet
    ErrorChain chain =
        ErrorChainParser.parse(
            "Warning  FailedCreatePodSandBox  4m10s (x4 over 4m13s)   kubelet,"
                + " ip-99-1-23-122.ec2.internal  (combined from similar events): Failed create pod"
                + " sandbox: rpc error: code = Unknown desc = failed to set up sandbox container"
                + " \"9234234234de67e8234cdc5c23423dce7e20842b8334208a6bff3a8\" network for pod"
                + " \"custom-test-endpoint-5659dd6f47-92rj7\": NetworkPlugin cni failed to set up pod"
                + " \"custom-test-endpoint-523422f47-92rj7_default\" network: add cmd: failed to assign"
                + " an IP address to container");

    assertThat(chain.layers().get(0)).isEqualTo("(combined from similar events)");
    assertThat(chain.layers().get(1)).isEqualTo("Failed create pod sandbox");
    assertThat(chain.sandboxId())
        .isEqualTo("9234234234de67e8234cdc5c23423dce7e20842b8334208a6bff3a8");
    assertThat(chain.podName()).isEqualTo("custom-test-endpoint-5659dd6f47-92rj7");
    assertThat(chain.podNamespace()).isEqualTo("default");
    assertThat(chain.operation()).isEqualTo("add");
    assertThat(chain.innermost()).isEqualTo("failed to assign an IP address to container");
  }

  @Test
  void dockershimTeardownAggregateKeepsOnlyTheSetUpError() {
    // projectcalico/calico#5712
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = [failed to set up"
                + " sandbox container \"3dcfdb21462e\" network for pod \"pod-with-cm\": networkPlugin"
                + " cni failed to set up pod \"pod-with-cm_default\" network: error getting"
                + " ClusterInformation: connection is unauthorized: Unauthorized, failed to clean up"
                + " sandbox container \"3dcfdb21462e\" network for pod \"pod-with-cm\": networkPlugin"
                + " cni failed to teardown pod \"pod-with-cm_default\" network: error getting"
                + " ClusterInformation: connection is unauthorized: Unauthorized]");

    assertThat(chain.innermost())
        .isEqualTo("error getting ClusterInformation: connection is unauthorized: Unauthorized");
    assertThat(chain.podNamespace()).isEqualTo("default");
  }

  @Test
  void cniRequestStatusFlannelDelegateAndHostLocalRange() {
    // seed 000_ad255c36a537ef2e.txt
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
                + " for sandbox \"a1b2...\": plugin type=\"calico\" failed (add): error adding host"
                + " side routes for interface: cali3f...: networkPlugin cni failed to set up pod"
                + " \"web-7d9f_default\" network: CNI request failed with status 400: 'failed to"
                + " delegate add: failed to allocate for range 0: no IP addresses available in range"
                + " set'");

    assertThat(chain.cniStatus()).isEqualTo(400);
    assertThat(chain.sandboxId()).isEqualTo("a1b2...");
    assertThat(chain.podName()).isEqualTo("web-7d9f");
    assertThat(chain.podNamespace()).isEqualTo("default");
    assertThat(chain.layers())
        .contains(
            "error adding host side routes for interface: cali3f",
            "CNI request failed with status 400",
            "failed to delegate add",
            "failed to allocate for range 0");
    assertThat(chain.innermost()).isEqualTo("no IP addresses available in range set");
  }

  @Test
  void grpcCodeIsTheFirstOneEvenWhenRpcErrorsNest() {
    // projectcalico/calico#4087 via reference/cni-config-and-messages.md section 3.3
    ErrorChain chain =
        ErrorChainParser.parse(
            "(combined from similar events): Failed to create pod sandbox: rpc error: code = Unknown"
                + " desc = failed to setup network for sandbox \"07eba007...\": add cmd: Error"
                + " received from AddNetwork gRPC call: rpc error: code = Unavailable desc ="
                + " connection error: desc = \"transport: Error while dialing dial tcp"
                + " 127.0.0.1:50051: connect: connection refused\"");

    assertThat(chain.grpcCode()).isEqualTo("Unknown");
    assertThat(chain.layers()).contains("rpc error: code = Unavailable");
    assertThat(chain.innermost())
        .isEqualTo(
            "connection error: desc = \"transport: Error while dialing dial tcp 127.0.0.1:50051:"
                + " connect: connection refused\"");
  }

  @Test
  void crioSandboxNameOcicniPodAndMultusTag() {
    // k8snetworkplumbingwg/bond-cni#40
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create pod"
                + " network sandbox"
                + " k8s_testpod-1_tuning-testing_92b052e7-4f4f-4224-b8d0-3935153b697f_0(0d28b2d51106a034ae6bbef34109973068b342a464bfb3ac110c62cc99ee793f):"
                + " error adding pod tuning-testing_testpod-1 to CNI network \"multus-cni-network\":"
                + " plugin type=\"multus\" name=\"multus-cni-network\" failed (add):"
                + " [tuning-testing/testpod-1/92b052e7-4f4f-4224-b8d0-3935153b697f:bond-nad1]: error"
                + " adding container to network \"bond-nad1\": Invalid MTU (1500). The requested MTU"
                + " for bond is bigger than that of the slave link (net1), slave mtu (1460)");

    assertThat(chain.podName()).isEqualTo("testpod-1");
    assertThat(chain.podNamespace()).isEqualTo("tuning-testing");
    assertThat(chain.sandboxId())
        .isEqualTo("0d28b2d51106a034ae6bbef34109973068b342a464bfb3ac110c62cc99ee793f");
    assertThat(chain.plugin()).isEqualTo("multus");
    assertThat(chain.layers())
        .contains(
            "[tuning-testing/testpod-1/92b052e7-4f4f-4224-b8d0-3935153b697f:bond-nad1]",
            "error adding container to network \"bond-nad1\"");
    assertThat(chain.innermost())
        .isEqualTo(
            "Invalid MTU (1500). The requested MTU for bond is bigger than that of the slave link"
                + " (net1), slave mtu (1460)");
  }

  @Test
  void multusDelegateNamesTheInnermostPlugin() {
    // istio/istio#33571
    ErrorChain chain =
        ErrorChainParser.parse(
            "multus: error adding container to network \"istio-cni\": delegateAdd error invoking"
                + " DelegateAdd - \"istio-cni\": error in getting result from AddNetwork: exit status"
                + " 127.");

    assertThat(chain.plugin()).isEqualTo("istio-cni");
    assertThat(chain.innermost()).isEqualTo("exit status 127");
  }

  @Test
  void ciliumAgentWrapperKeepsTheAgentsOwnWords() {
    // cilium/cilium#10627
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox"
                + " container \"3948297ee605\" network for pod \"pod-to-a-allowed-cnp-5899c44899-lmsr8\":"
                + " networkPlugin cni failed to set up pod"
                + " \"pod-to-a-allowed-cnp-5899c44899-lmsr8_default\" network: unable to allocate IP"
                + " via local cilium agent: [POST /ipam][502] postIpamFailure  range is full");

    assertThat(chain.layers()).contains("unable to allocate IP via local cilium agent");
    assertThat(chain.innermost()).isEqualTo("[POST /ipam][502] postIpamFailure range is full");
  }

  @Test
  void kubeletNetworkNotReadyCondition() {
    // reference/cni-config-and-messages.md section 3.2
    ErrorChain chain =
        ErrorChainParser.parse(
            "container runtime network not ready: NetworkReady=false"
                + " reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not"
                + " initialized");

    assertThat(chain.layers())
        .containsExactly(
            "container runtime network not ready",
            "NetworkReady=false reason:NetworkPluginNotReady message",
            "Network plugin returns error",
            "cni plugin not initialized");
  }

  @Test
  void containerdLoadWrapperAndTrailingSentinelAreRemoved() {
    // NVIDIA/nvidia-container-toolkit#104 (containerd start-up log line)
    ErrorChain chain =
        ErrorChainParser.parse(
            "Aug 24 10:39:46 eg-00-01-c0-26-e0-1d containerd[512]:"
                + " time=\"2023-08-24T10:39:46.314767915Z\" level=error msg=\"failed to load cni"
                + " during init, please check CRI plugin status before setting up network for pods\""
                + " error=\"cni config load failed: no network config found in /etc/cni/net.d: cni"
                + " plugin not initialized: failed to load cni config\"");

    assertThat(chain.layers().get(0))
        .isEqualTo(
            "failed to load cni during init, please check CRI plugin status before setting up"
                + " network for pods");
    assertThat(chain.innermost())
        .isEqualTo("no network config found in /etc/cni/net.d: cni plugin not initialized");
  }

  @Test
  void containerdSandboxMetadataNamesThePod() {
    // cloudnativelabs/kube-router#1383
    ErrorChain chain =
        ErrorChainParser.parse(
            "time=\"2022-10-17T21:31:31.938043966+09:00\" level=error msg=\"RunPodSandbox for"
                + " &PodSandboxMetadata{Name:rook-ceph-detect-version-8wv4z,Uid:43a729b6,Namespace:rook-ceph,Attempt:0,}"
                + " failed, error\" error=\"failed to setup network for sandbox"
                + " \\\"83e6d5b95244\\\": failed to make veth pair: invalid argument\"");

    assertThat(chain.podName()).isEqualTo("rook-ceph-detect-version-8wv4z");
    assertThat(chain.podNamespace()).isEqualTo("rook-ceph");
    assertThat(chain.sandboxId()).isEqualTo("83e6d5b95244");
    assertThat(chain.innermost()).isEqualTo("failed to make veth pair: invalid argument");
  }

  @Test
  void veryOldKubeletWrapperAndSkippingPodSuffix() {
    // weaveworks/weave#2822
    ErrorChain chain =
        ErrorChainParser.parse(
            "E0228 14:21:50.538153     735 docker_manager.go:2201] Failed to setup network for pod"
                + " \"roapp-datamover-prod-4070366716-bkm5r_default(def2ee23-fdc0-11e6-bc48-02ecf0186f8f)\""
                + " using network plugins \"cni\": unable to allocate IP address: Post"
                + " http://127.0.0.1:6784/ip/28d43bd0: dial tcp 127.0.0.1:6784: getsockopt:"
                + " connection refused; Skipping pod");

    assertThat(chain.podName()).isEqualTo("roapp-datamover-prod-4070366716-bkm5r");
    assertThat(chain.podNamespace()).isEqualTo("default");
    assertThat(chain.innermost())
        .isEqualTo(
            "unable to allocate IP address: Post http://127.0.0.1:6784/ip/28d43bd0: dial tcp"
                + " 127.0.0.1:6784: getsockopt: connection refused");
  }

  @Test
  void quotedPluginStderrLosesItsQuotesAndNewline() {
    // kmesh-net/kmesh#1253
    ErrorChain chain =
        ErrorChainParser.parse(
            "plugin type=\"kmesh-cni\" failed (add): netplugin failed: \"Error: failed to set xdp to"
                + " dev eth0, err is numerical result out of range\\n\"");

    assertThat(chain.plugin()).isEqualTo("kmesh-cni");
    assertThat(chain.innermost())
        .isEqualTo("Error: failed to set xdp to dev eth0, err is numerical result out of range");
  }

  @Test
  void singleQuotedWrappersAndLineWrappedText() {
    // MicrosoftDocs/architecture-center#4402: the docs render the event with ' and line breaks
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network"
                + " for sandbox \n'ac1b1354': plugin type='azure-vnet' \nfailed (add): IPAM Invoker Add"
                + " failed with error: Failed to get IP address from CNS with error: \n%w:"
                + " AllocateIPConfig failed: not enough IPs available");

    assertThat(chain.sandboxId()).isEqualTo("ac1b1354");
    assertThat(chain.plugin()).isEqualTo("azure-vnet");
    assertThat(chain.innermost())
        .isEqualTo("%w: AllocateIPConfig failed: not enough IPs available");
  }

  @Test
  void logHeadersAreNotPartOfTheInnermostError() {
    // flannel-io/flannel#728
    ErrorChain chain =
        ErrorChainParser.parse(
            "E0519 00:37:28.550351       1 network.go:102] failed to register network: failed to"
                + " acquire lease: node \"k8s-test-2.novalocal\" pod cidr not assigned");

    assertThat(chain.innermost())
        .isEqualTo(
            "failed to register network: failed to acquire lease: node \"k8s-test-2.novalocal\""
                + " pod cidr not assigned");
  }

  @Test
  void shortIsoJournalHeadersAreNotPartOfTheInnermostErrorEither() {
    // journalctl -o short-iso prints host and process after the timestamp; a CRI log line does not
    assertThat(
            ErrorChainParser.parse(
                    "2025-01-07T10:00:01+0000 worker-1 containerd[812]: cni plugin not initialized")
                .innermost())
        .isEqualTo("cni plugin not initialized");
    assertThat(
            ErrorChainParser.parse(
                    "2024-06-23T18:22:34.666112544+03:00 stdout F calico-node: info: cni plugin"
                        + " not initialized")
                .innermost())
        .isEqualTo("calico-node: info: cni plugin not initialized");
  }

  @Test
  void placeholdersAreNotTakenForPodNames() {
    // kubernetes/kubernetes#39557 printed an empty pod name as a backslash
    ErrorChain chain =
        ErrorChainParser.parse(
            "Failed to setup network for pod \\ using network plugins \\\"cni\\\": no IP addresses"
                + " available in network: podnet; Skipping pod");

    assertThat(chain.podName()).isNull();
    assertThat(chain.innermost()).isEqualTo("no IP addresses available in network: podnet");
  }

  @Test
  void aMessageWithoutWrappersIsItsOwnInnermostError() {
    ErrorChain chain =
        ErrorChainParser.parse("  no IP addresses available in range set: 10.0.0.2  ");

    assertThat(chain.layers()).containsExactly("no IP addresses available in range set: 10.0.0.2");
    assertThat(chain.innermost()).isEqualTo("no IP addresses available in range set: 10.0.0.2");
    assertThat(chain.plugin()).isNull();
    assertThat(chain.grpcCode()).isNull();
    assertThat(chain.cniStatus()).isNull();
  }

  @Test
  void nullAndEmptyGiveAnEmptyChain() {
    assertThat(ErrorChainParser.parse(null).layers()).isEmpty();
    assertThat(ErrorChainParser.parse(null).original()).isEmpty();
    assertThat(ErrorChainParser.parse("").innermost()).isEmpty();
    assertThat(ErrorChainParser.parse(" \n\t ").layers()).isEmpty();
  }
}
