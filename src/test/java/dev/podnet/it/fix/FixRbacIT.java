package dev.podnet.it.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.it.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RBAC files podnet ships ({@code deploy/rbac/}), on a server that enforces RBAC, for a user
 * that has nothing else (the second token of {@code scripts/apiserver.sh}): with only the read-only
 * role, {@code fix node-cidr --apply} plans, then refuses before it changes anything and names
 * every verb it lacks; with the fix role bound as well, the same command rolls the node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FixRbacIT {
  private static final String USER = "limited";

  @TempDir static Path temp;

  private FixTestCluster cluster;
  private FaultProxy proxy;
  private Path kubeconfig;
  private String driftedUid;
  private final List<HasMetadata> created = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    cluster = FixTestCluster.shared();
    proxy = new FaultProxy(cluster.server().masterUrl(), Duration.ofSeconds(1));
    kubeconfig =
        cluster
            .server()
            .writeKubeconfig(
                Files.createTempFile("podnet-it", ".kubeconfig"),
                proxy.url(),
                RealApiServer.LIMITED_TOKEN);
    cluster.addWorker("rbac-d1", "10.99.70.0/24", Map.of());
    cluster.addWorker("rbac-ok1", null, Map.of());
    cluster.createNamespace("rbac");
    cluster.createReplicaSet("rbac", "web", Map.of("rbac-d1", 1, "rbac-ok1", 1));
    driftedUid = cluster.client().nodes().withName("rbac-d1").get().getMetadata().getUid();
  }

  @AfterAll
  void tearDown() {
    if (proxy != null) {
      proxy.close();
    }
    if (cluster != null) {
      for (HasMetadata object : created) {
        cluster.client().resource(object).delete();
      }
      cluster.removeWorkers(List.of("rbac-d1", "rbac-ok1"), List.of("rbac"));
    }
  }

  /** The ClusterRoles and Roles of {@code deploy/rbac/*.yaml}. */
  private static List<HasMetadata> shippedRoles(FixTestCluster cluster) throws IOException {
    Path dir = Path.of("deploy", "rbac");
    assertThat(dir).as("deploy/rbac/ holds podnet's RBAC (issue 5, item 5)").isDirectory();
    List<HasMetadata> roles = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          for (HasMetadata object : cluster.client().load(in).items()) {
            if (object instanceof ClusterRole || object instanceof Role) {
              roles.add(object);
            }
          }
        }
      }
    }
    return roles;
  }

  /** Creates the role and binds it to the limited user. */
  private void grant(HasMetadata role) {
    var client = cluster.client();
    role.getMetadata().setResourceVersion(null);
    created.add(client.resource(role).create());
    String binding = "it-" + role.getMetadata().getName();
    if (role instanceof ClusterRole) {
      created.add(
          client
              .resource(
                  new ClusterRoleBindingBuilder()
                      .withNewMetadata()
                      .withName(binding)
                      .endMetadata()
                      .withNewRoleRef(
                          "rbac.authorization.k8s.io", "ClusterRole", role.getMetadata().getName())
                      .addNewSubject()
                      .withKind("User")
                      .withApiGroup("rbac.authorization.k8s.io")
                      .withName(USER)
                      .endSubject()
                      .build())
              .create());
    } else {
      created.add(
          client
              .resource(
                  new RoleBindingBuilder()
                      .withNewMetadata()
                      .withName(binding)
                      .withNamespace(role.getMetadata().getNamespace())
                      .endMetadata()
                      .withNewRoleRef(
                          "rbac.authorization.k8s.io", "Role", role.getMetadata().getName())
                      .addNewSubject()
                      .withKind("User")
                      .withApiGroup("rbac.authorization.k8s.io")
                      .withName(USER)
                      .endSubject()
                      .build())
              .create());
    }
  }

  private static boolean isFixRole(HasMetadata role) {
    return role.getMetadata().getName().contains("fix");
  }

  private PodnetProcess apply(Path journals) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "fix", "node-cidr", "--node", "rbac-d1", "--kubeconfig", kubeconfig.toString()));
    args.addAll(FixCommands.planOptions("pod", Duration.ofSeconds(30)));
    args.addAll(List.of("--apply", "--journal-dir", journals.toString()));
    return PodnetProcess.run(temp, Duration.ofMinutes(3), args);
  }

  @Test
  @Order(1)
  void withTheReadOnlyRoleOnlyTheFixRefusesBeforeTouchingAnythingAndNamesTheMissingVerbs()
      throws Exception {
    List<HasMetadata> roles = shippedRoles(cluster);
    assertThat(roles)
        .as("a read-only role and a fix role")
        .anyMatch(r -> !isFixRole(r))
        .anyMatch(FixRbacIT::isFixRole);
    roles.stream().filter(r -> !isFixRole(r)).forEach(this::grant);
    proxy.schedule(List.of());

    PodnetProcess process = apply(temp.resolve("runs-denied"));
    String output = process.stdout() + "\n" + process.stderr();

    assertThat(process.exitCode()).as(process.transcript()).isNotZero();
    assertThat(output)
        .as(process.transcript())
        .contains("patch nodes")
        .contains("delete nodes")
        .contains("create pods/eviction")
        .contains("leases");
    // nothing but reads and access reviews went to the server
    assertThat(proxy.log())
        .as(process.transcript())
        .allMatch(
            e ->
                e.method().equals("GET")
                    || (e.method().equals("POST")
                        && e.path().contains("selfsubjectaccessreviews")));
    Node node = cluster.client().nodes().withName("rbac-d1").get();
    assertThat(node.getMetadata().getUid()).isEqualTo(driftedUid);
    assertThat(node.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    assertThat(cluster.client().leases().inNamespace("kube-system").withName("podnet-fix").get())
        .isNull();
  }

  @Test
  @Order(2)
  void withTheFixRoleBoundTooTheSameCommandRollsTheNode() throws Exception {
    shippedRoles(cluster).stream().filter(FixRbacIT::isFixRole).forEach(this::grant);
    proxy.schedule(List.of());
    Path journals = temp.resolve("runs-granted");

    PodnetProcess process = apply(journals);

    assertThat(process.exitCode()).as(process.transcript()).isZero();
    Node node = cluster.client().nodes().withName("rbac-d1").get();
    assertThat(node.getMetadata().getUid()).isNotEqualTo(driftedUid);
    assertThat(node.getSpec().getPodCIDR()).startsWith("10.244.");
    assertThat(node.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE);
    String runId = JournalView.onlyRun(journals).orElseThrow();
    assertThat(JournalView.read(journals, runId).orElseThrow().state()).isEqualTo("complete");
    // no request was refused by RBAC on the way
    assertThat(proxy.log()).as(process.transcript()).noneMatch(e -> e.status() == 403);
  }
}
