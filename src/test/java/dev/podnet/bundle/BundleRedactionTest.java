package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.podnet.source.RawListCopier;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret of every kind planted in a ConfigMap, a pod's environment, a CNI config, a CNI
 * kubeconfig and a kubelet log: none survives into the archive bytes, each is listed in the
 * manifest (where and what kind, never the value), and Secrets are never requested.
 */
@EnableKubernetesMockClient(crud = true)
class BundleRedactionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JWT =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6InBsYW50ZWQifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6a3ViZS1zeXN0ZW06Y2FsaWNvLW5vZGUifQ.cGxhbnRlZC1qd3Qtc2lnbmF0dXJl";
  private static final String KUBECONFIG =
      "apiVersion: v1\nkind: Config\nusers:\n- name: kube-proxy\n  user:\n"
          + "    client-certificate-data: UExBTlRFRC1DTElFTlQtQ0VSVC1EQVRBLTQy\n"
          + "    client-key-data: UExBTlRFRC1DTElFTlQtS0VZLURBVEEtNDI=\n"
          + "- name: admin\n  user:\n    username: admin\n    password: plantedKubeconfigPassword42\n"
          + "- name: sa\n  user:\n    token: "
          + JWT
          + "\n"
          + "- name: static\n  user:\n    token: plantedStaticToken42\n";
  private static final String PEM =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEplantedPrivateKeyBody42\nAAAA\n-----END RSA PRIVATE KEY-----\n"
          + "-----BEGIN CERTIFICATE-----\nMIICplantedCertificateBody42\n-----END CERTIFICATE-----\n";

  /** Every planted secret value; none may appear anywhere in the archive. */
  private static final List<String> PLANTED =
      List.of(
          "plantedPrivateKeyBody42",
          "plantedCertificateBody42",
          "UExBTlRFRC1DTElFTlQtQ0VSVC1EQVRBLTQy",
          "UExBTlRFRC1DTElFTlQtS0VZLURBVEEtNDI=",
          "plantedKubeconfigPassword42",
          "plantedStaticToken42",
          "cGxhbnRlZC1qd3Qtc2lnbmF0dXJl",
          "plantedBearer42abcdef",
          "plantedConfigPassword42",
          "plantedSecret42",
          "plantedApiKey42",
          "AKIAPLANTED000000042",
          "plantedAwsSecretKey0123456789ABCDEFGHI/+",
          "plantedEnvPassword42",
          "plantedEnvToken42",
          "plantedAppliedPassword42",
          "plantedCniAuthToken42",
          "plantedCniPassword42",
          "plantedCalicoKubeconfigToken42",
          "plantedLogBearerToken42",
          "plantedLogPassword42");

  KubernetesClient client;
  KubernetesMockServer server;
  @TempDir Path tmp;

  @BeforeEach
  void plant() {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("worker-1")
                .endMetadata()
                .withNewSpec()
                .withPodCIDR("10.244.1.0/24")
                .endSpec()
                .build())
        .create();
    client
        .configMaps()
        .inNamespace("kube-system")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("kube-proxy")
                .withNamespace("kube-system")
                .addToAnnotations(
                    "kubectl.kubernetes.io/last-applied-configuration",
                    "{\"apiVersion\":\"v1\",\"data\":{\"extra\":\"password=plantedAppliedPassword42\"},\"kind\":\"ConfigMap\"}")
                .endMetadata()
                .addToData("kubeconfig.conf", KUBECONFIG)
                .addToData("ca.pem", PEM)
                .addToData(
                    "config.conf",
                    "clusterCIDR: 10.244.0.0/16\nmode: iptables\n# curl -H 'Authorization: Bearer plantedBearer42abcdef'\n"
                        + "db_password=plantedConfigPassword42\nsecret=plantedSecret42\napiKey: plantedApiKey42\n"
                        + "AWS_ACCESS_KEY_ID=AKIAPLANTED000000042\naws_secret_access_key = plantedAwsSecretKey0123456789ABCDEFGHI/+\n"
                        + "etcd-keyfile=/etc/kubernetes/pki/etcd/client.key\n")
                .build())
        .create();
    client
        .configMaps()
        .inNamespace("kube-system")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("unrelated")
                .withNamespace("kube-system")
                .endMetadata()
                .addToData("password", "plantedUnrelatedButNotNetwork")
                .build())
        .create();
    client
        .pods()
        .inNamespace("demo")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace("demo")
                .endMetadata()
                .withNewSpec()
                .withNodeName("worker-1")
                .addNewContainer()
                .withName("web")
                .withImage("nginx")
                .addNewEnv()
                .withName("DB_PASSWORD")
                .withValue("plantedEnvPassword42")
                .endEnv()
                .addNewEnv()
                .withName("api_token")
                .withValue("plantedEnvToken42")
                .endEnv()
                .addNewEnv()
                .withName("LOG_LEVEL")
                .withValue("debug")
                .endEnv()
                .addNewEnv()
                .withName("SECRET_FROM_REF")
                .withNewValueFrom()
                .withNewSecretKeyRef("key", "db", false)
                .endValueFrom()
                .endEnv()
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  /** Serves node files from a tar.gz built in memory: the same path as a pod's log. */
  private static NodeFileFetcher plantedNodeFiles() {
    byte[] archive =
        TestArchives.tarGz(
            tar -> {
              TestArchives.file(
                  tar,
                  "./etc/cni/net.d/10-calico.conflist",
                  TestArchives.resource("planted-10-calico.conflist"));
              TestArchives.file(
                  tar,
                  "./etc/cni/net.d/calico-kubeconfig",
                  TestArchives.resource("planted-calico-kubeconfig"));
              TestArchives.file(
                  tar, "./logs/kubelet.log", TestArchives.resource("planted-kubelet.log"));
              TestArchives.file(tar, "./opt/cni/bin.txt", "calico 1234 -rwxr-xr-x\n");
            });
    return (node, handler) -> handler.read(new ByteArrayInputStream(archive));
  }

  private BundleCollector.Result bundle(Path out) throws Exception {
    RawListCopier lists = RawListCopier.of(client.getConfiguration(), 50, 10);
    Clock clock = Clock.fixed(Instant.parse("2026-01-10T09:30:00Z"), ZoneOffset.UTC);
    BundleCollector collector =
        new BundleCollector(
            lists,
            plantedNodeFiles(),
            new Redactor(new byte[] {1, 2, 3}),
            clock,
            Progress.silent(),
            note -> {});
    return collector.collect(new BundleCollector.Request(out, false, Narrowing.none(), "test"));
  }

  @Test
  void noPlantedSecretSurvivesIntoTheArchive() throws Exception {
    Path out = tmp.resolve("bundle.tar.gz");
    bundle(out);

    String bytes = TestArchives.decompressed(out);
    for (String secret : PLANTED) {
      assertThat(bytes).as("archive bytes").doesNotContain(secret);
    }
    assertThat(bytes).doesNotContain("plantedUnrelatedButNotNetwork");
    assertThat(bytes)
        .as("a marker is never redacted again")
        .doesNotContainPattern("<redacted:[^>]*<redacted:");
    Map<String, String> files = TestArchives.read(out);
    assertThat(files)
        .containsKeys(
            "manifest.json",
            "cluster/nodes.json",
            "cluster/pods.json",
            "cluster/configmaps.json",
            "nodes/worker-1/etc/cni/net.d/10-calico.conflist",
            "nodes/worker-1/logs/kubelet.log",
            "nodes/worker-1/opt/cni/bin.txt");
    // what is not secret stays: paths, names, settings, the error the engineer needs
    assertThat(files.get("cluster/configmaps.json"))
        .contains("etcd-keyfile=/etc/kubernetes/pki/etcd/client.key", "clusterCIDR: 10.244.0.0/16");
    assertThat(files.get("nodes/worker-1/etc/cni/net.d/10-calico.conflist"))
        .contains(
            "\"etcd_key_file\": \"/etc/calico/etcd-key\"",
            "\"kubeconfig\": \"/etc/cni/net.d/calico-kubeconfig\"",
            "\"mtu\": 1440");
    assertThat(files.get("nodes/worker-1/logs/kubelet.log"))
        .contains(
            "--etcd-keyfile=\"/etc/kubernetes/pki/etcd/client.key\"",
            "error getting ClusterInformation");
    JsonNode env =
        JSON.readTree(files.get("cluster/pods.json"))
            .path("items")
            .get(0)
            .path("spec")
            .path("containers")
            .get(0)
            .path("env");
    assertThat(env.get(2).path("value").asText()).isEqualTo("debug");
    assertThat(env.get(3).path("valueFrom").path("secretKeyRef").path("name").asText())
        .isEqualTo("db");
    assertThat(env.get(0).path("value").asText()).matches("<redacted:env-secret:[0-9a-f]{8}>");
  }

  @Test
  void theManifestListsEachReplacementWithoutTheSecret() throws Exception {
    Path out = tmp.resolve("bundle.tar.gz");
    BundleCollector.Result result = bundle(out);

    JsonNode manifest = JSON.readTree(TestArchives.read(out).get("manifest.json"));
    assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(1);
    assertThat(manifest.path("collectedAt").asText()).isEqualTo("2026-01-10T09:30:00Z");
    assertThat(manifest.path("source").path("server").asText()).startsWith("http");
    List<String> kinds = new ArrayList<>();
    manifest
        .path("redactions")
        .forEach(r -> kinds.add(r.path("file").asText() + " " + r.path("kind").asText()));
    assertThat(kinds)
        .contains(
            "cluster/configmaps.json private-key",
            "cluster/configmaps.json certificate",
            "cluster/configmaps.json kubeconfig-credential",
            "cluster/configmaps.json bearer-token",
            "cluster/configmaps.json password",
            "cluster/configmaps.json aws-access-key-id",
            "cluster/configmaps.json aws-secret-access-key",
            "cluster/pods.json env-secret",
            "nodes/worker-1/etc/cni/net.d/10-calico.conflist json-credential",
            "nodes/worker-1/etc/cni/net.d/calico-kubeconfig kubeconfig-credential",
            "nodes/worker-1/logs/kubelet.log jwt",
            "nodes/worker-1/logs/kubelet.log bearer-token",
            "nodes/worker-1/logs/kubelet.log password",
            "nodes/worker-1/logs/kubelet.log aws-access-key-id",
            "nodes/worker-1/logs/kubelet.log aws-secret-access-key");
    assertThat(result.manifest().redactions())
        .hasSize(manifest.path("redactions").size())
        .allSatisfy(r -> assertThat(r.marker()).matches("<redacted:" + r.kind() + ":[0-9a-f]{8}>"));
    String manifestText = manifest.toString();
    for (String secret : PLANTED) {
      assertThat(manifestText).doesNotContain(secret);
    }
    assertThat(manifestText)
        .contains(
            "kube-system/kube-proxy .data.kubeconfig.conf line 6", "logs/kubelet.log", "line 4");
  }

  @Test
  void theSameSecretGetsTheSameFingerprintEverywhere() throws Exception {
    BundleCollector.Result result = bundle(tmp.resolve("bundle.tar.gz"));
    List<Redaction> redactions = result.manifest().redactions();
    String inLog =
        redactions.stream()
            .filter(r -> r.kind().equals("jwt") && r.file().endsWith("kubelet.log"))
            .map(BundleRedactionTest::fingerprint)
            .findFirst()
            .orElseThrow();
    // the same JWT sits in the kube-proxy kubeconfig as a 'token:' value
    assertThat(
            redactions.stream()
                .filter(r -> r.file().equals("cluster/configmaps.json"))
                .map(BundleRedactionTest::fingerprint))
        .contains(inLog);
    assertThat(redactions.stream().map(BundleRedactionTest::fingerprint).distinct().count())
        .as("different secrets, different fingerprints")
        .isGreaterThan(15);
  }

  private static String fingerprint(Redaction redaction) {
    String marker = redaction.marker();
    return marker.substring(marker.lastIndexOf(':') + 1, marker.length() - 1);
  }

  @Test
  void secretsAreNeverRequested() throws Exception {
    bundle(tmp.resolve("bundle.tar.gz"));
    List<String> paths = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      paths.add(request.getPath());
    }
    assertThat(paths).isNotEmpty().anySatisfy(p -> assertThat(p).startsWith("/api/v1/pods"));
    assertThat(paths).noneMatch(p -> p.contains("secret"));
  }

  @Test
  void realCniConfigsHoldNothingToRedact() throws Exception {
    Redactor redactor = new Redactor(new byte[] {1});
    try (var files =
        java.nio.file.Files.list(Path.of("src/test/resources/dev/podnet/node/cni-configs"))) {
      for (Path file : files.toList()) {
        String text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
        assertThat(redactor.redactText(text, file.getFileName().toString(), null))
            .as(file.toString())
            .isEqualTo(text);
      }
    }
    assertThat(redactor.redactions()).isEmpty();
  }
}
