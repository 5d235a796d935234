package dev.podnet.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The real configs of shared/fixtures/cni-configs parsed as libcni and go-cni parse them. */
class CniConfigParserTest {

  @Test
  void flannelConflistLoads() {
    CniConfig config =
        CniConfigParser.parse(
            "10-flannel.conflist", Fixtures.config("flannel-10-flannel.conflist"));
    assertThat(config.loadError()).isNull();
    assertThat(config.networkName()).isEqualTo("cbr0");
    assertThat(config.cniVersion()).isEqualTo("0.3.1");
    assertThat(config.types()).containsExactly("flannel", "portmap");
    assertThat(config.plugins().get(0).delegatedPlugins())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.type()).isEqualTo("bridge");
              assertThat(d.ipamType()).contains("host-local");
            });
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void awsConflistLoadsButKeepsItsInstallerPlaceholders() {
    CniConfig config =
        CniConfigParser.parse("10-aws.conflist", Fixtures.config("aws-vpc-cni-10-aws.conflist"));
    assertThat(config.loads()).isTrue();
    assertThat(config.cniVersion()).isEqualTo("0.4.0");
    assertThat(config.types()).containsExactly("aws-cni", "egress-cni", "portmap");
    assertThat(config.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("__MTU__", "__VETHPREFIX__", "/etc/cni/net.d/10-aws.conflist");
  }

  @Test
  void olderAwsConflistIsVersion031() {
    CniConfig config =
        CniConfigParser.parse(
            "10-aws.conflist", Fixtures.config("aws-vpc-cni-10-aws.conflist.v0.3.1-older"));
    assertThat(config.cniVersion()).isEqualTo("0.3.1");
    assertThat(config.types()).containsExactly("aws-cni", "portmap");
  }

  @Test
  void calicoTemplateUnrenderedIsTheExactGoCniError() {
    CniConfig config =
        CniConfigParser.parse(
            "10-calico.conflist", Fixtures.config("calico-10-calico.conflist.template"));
    assertThat(config.loadError())
        .isEqualTo(
            "failed to load CNI config list file /etc/cni/net.d/10-calico.conflist: error parsing"
                + " configuration list: invalid character '_' looking for beginning of value: invalid cni config");
    assertThat(config.skipReason())
        .isEqualTo(
            "error parsing configuration list: invalid character '_' looking for beginning of value");
  }

  @Test
  void calicoRenderedLoadsWithCalicoIpam() {
    CniConfig config = CniConfigParser.parse("10-calico.conflist", Fixtures.calicoRendered());
    assertThat(config.loads()).isTrue();
    assertThat(config.networkName()).isEqualTo("k8s-pod-network");
    assertThat(config.types()).containsExactly("calico", "portmap");
    assertThat(config.plugins().get(0).ipamType()).contains("calico-ipam");
    assertThat(config.plugins().get(0).mtu()).contains(1450L);
  }

  @Test
  void ciliumLegacyConfIsASinglePlugin() {
    CniConfig config =
        CniConfigParser.parse("05-cilium.conf", Fixtures.config("cilium-05-cilium-cni.conf"));
    assertThat(config.list()).isFalse();
    assertThat(config.types()).containsExactly("cilium-cni");
    assertThat(config.networkName()).isEqualTo("cilium");
  }

  @Test
  void ciliumTemplateUnrenderedFailsInsideTheObject() {
    CniConfig config =
        CniConfigParser.parse(
            "05-cilium.conflist", Fixtures.config("cilium-05-cilium.conflist.gotmpl"));
    assertThat(config.skipReason())
        .isEqualTo(
            "error parsing configuration list: invalid character '{' looking for beginning of object key string");
    assertThat(CniConfigParser.parse("05-cilium.conflist", Fixtures.ciliumRendered()).types())
        .containsExactly("cilium-cni");
  }

  @Test
  void weaveTemplateUnrendered() {
    CniConfig config =
        CniConfigParser.parse(
            "10-weave.conflist", Fixtures.config("weave-10-weave.conflist.template"));
    assertThat(config.skipReason())
        .isEqualTo(
            "error parsing configuration list: invalid character '$' looking for beginning of value");
    CniConfig rendered =
        CniConfigParser.parse(
            "10-weave.conflist",
            Fixtures.config("weave-10-weave.conflist.template").replace("$2", "true"));
    assertThat(rendered.types()).containsExactly("weave-net", "portmap");
    assertThat(rendered.cniVersion()).isEqualTo("0.3.0");
  }

  @Test
  void multusDelegatesToTheCopiedConfig() {
    CniConfig config =
        CniConfigParser.parse("00-multus.conf", Fixtures.config("multus-00-multus.conf"));
    assertThat(config.primaryType()).contains("multus");
    assertThat(config.effectiveType()).contains("cnitesttype");
  }

  @Test
  void typelessConfIsNetworkTypeNotFound() {
    CniConfig config =
        CniConfigParser.parse("10-x.conf", "{\"cniVersion\":\"0.3.1\",\"name\":\"x\"}");
    assertThat(config.loadError())
        .isEqualTo("network type not found in /etc/cni/net.d/10-x.conf: invalid cni config");
  }

  @Test
  void aConflistSavedAsConfHasNoType() {
    CniConfig config =
        CniConfigParser.parse("10-flannel.conf", Fixtures.config("flannel-10-flannel.conflist"));
    assertThat(config.loadError())
        .isEqualTo("network type not found in /etc/cni/net.d/10-flannel.conf: invalid cni config");
    assertThat(config.skipReason()).contains("a conflist in a .conf file?");
  }

  @Test
  void conflistWithoutPluginsIsTheExactGoCniError() {
    String expected =
        "failed to load CNI config list file /etc/cni/net.d/10-empty.conflist: error parsing configuration list:"
            + " no plugins in list: invalid cni config";
    assertThat(
            CniConfigParser.parse("10-empty.conflist", "{\"name\":\"e\",\"cniVersion\":\"1.0.0\"}")
                .loadError())
        .isEqualTo(expected);
    assertThat(
            CniConfigParser.parse("10-empty.conflist", "{\"name\":\"e\",\"plugins\":[]}")
                .loadError())
        .isEqualTo(expected);
  }

  @Test
  void conflistShapeErrors() {
    assertThat(
            CniConfigParser.parse("a.conflist", "{\"plugins\":[{\"type\":\"bridge\"}]}")
                .skipReason())
        .isEqualTo("error parsing configuration list: no name");
    assertThat(CniConfigParser.parse("a.conflist", "{\"name\":5,\"plugins\":[]}").skipReason())
        .isEqualTo("error parsing configuration list: invalid name type float64");
    assertThat(CniConfigParser.parse("a.conflist", "{\"name\":\"a\",\"plugins\":{}}").skipReason())
        .isEqualTo(
            "error parsing configuration list: invalid 'plugins' type map[string]interface {}");
    assertThat(
            CniConfigParser.parse(
                    "a.conflist",
                    "{\"name\":\"a\",\"plugins\":[{\"type\":\"bridge\"},{\"mtu\":1}]}")
                .skipReason())
        .isEqualTo("failed to parse plugin config 1: error parsing configuration: missing 'type'");
    assertThat(CniConfigParser.parse("a.conflist", "[]").skipReason())
        .isEqualTo(
            "error parsing configuration list: json: cannot unmarshal array into Go value of type map[string]interface {}");
  }

  @Test
  void unsupportedCniVersionLoadsButIsAProblem() {
    CniConfig config =
        CniConfigParser.parse(
            "10-x.conflist",
            "{\"name\":\"x\",\"cniVersion\":\"2.0.0\",\"plugins\":[{\"type\":\"bridge\"}]}");
    assertThat(config.loads()).isTrue();
    assertThat(config.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("unsupported cniVersion \"2.0.0\"");
    for (String version : CniConfig.SUPPORTED_VERSIONS) {
      assertThat(
              CniConfigParser.parse(
                      "v.conflist",
                      "{\"name\":\"x\",\"cniVersion\":\""
                          + version
                          + "\",\"plugins\":[{\"type\":\"bridge\"}]}")
                  .problems())
          .as(version)
          .isEmpty();
    }
  }

  @Test
  void goSyntaxErrorTexts() {
    assertThat(GoJsonSyntax.check("{\"a\":1,}"))
        .contains("invalid character '}' looking for beginning of object key string");
    assertThat(GoJsonSyntax.check("{\"a\" 1}")).contains("invalid character '1' after object key");
    assertThat(GoJsonSyntax.check("{\"a\":1 \"b\":2}"))
        .contains("invalid character '\"' after object key:value pair");
    assertThat(GoJsonSyntax.check("[1 2]")).contains("invalid character '2' after array element");
    assertThat(GoJsonSyntax.check("{\"a\":tru}"))
        .contains("invalid character '}' in literal true (expecting 'e')");
    assertThat(GoJsonSyntax.check("{\"a\":-x}"))
        .contains("invalid character 'x' in numeric literal");
    assertThat(GoJsonSyntax.check("{\"a\":1} x"))
        .contains("invalid character 'x' after top-level value");
    assertThat(GoJsonSyntax.check("{\"a\":")).contains("unexpected end of JSON input");
    assertThat(GoJsonSyntax.check("")).contains("unexpected end of JSON input");
    assertThat(GoJsonSyntax.check("{'a':1}"))
        .contains("invalid character '\\'' looking for beginning of object key string");
    assertThat(GoJsonSyntax.check(" {\"a\": [1, 2.5e-3, true, null, \"\\u00e9\"]} ")).isEmpty();
  }
}
