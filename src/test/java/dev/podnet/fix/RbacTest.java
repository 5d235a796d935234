package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.podnet.model.Resource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The RBAC files in deploy/rbac say exactly what the code needs, and the read-only one only reads.
 */
class RbacTest {
  private static final Path READONLY = Path.of("deploy/rbac/podnet-readonly.yaml");
  private static final Path FIX = Path.of("deploy/rbac/podnet-fix.yaml");
  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");

  @Test
  void theFixRolesGrantExactlyWhatTheExecutorChecks() throws IOException {
    assertThat(granted(FIX)).containsExactlyInAnyOrderElementsOf(FixPermissions.REQUIRED);
  }

  @Test
  void theFixRolesAreBoundToTheirServiceAccount() throws IOException {
    List<JsonNode> documents = documents(FIX);
    for (JsonNode document : documents) {
      String kind = document.path("kind").asText();
      if (kind.endsWith("Binding")) {
        assertThat(document.path("subjects").get(0).path("name").asText()).isEqualTo("podnet-fix");
        assertThat(document.path("roleRef").path("name").asText()).isEqualTo("podnet-fix");
      }
    }
    assertThat(documents)
        .extracting(d -> d.path("kind").asText())
        .contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
  }

  @Test
  void theReadOnlyRoleOnlyReadsAndNeverSecrets() throws IOException {
    Set<Permission> granted = granted(READONLY);
    assertThat(granted).isNotEmpty();
    for (Permission permission : granted) {
      assertThat(READ_VERBS).as(permission.describe()).contains(permission.verb());
      assertThat(permission.resource()).isNotIn("secrets", "*");
      assertThat(permission.group()).isNotEqualTo("*");
      assertThat(permission.namespace()).isEmpty();
    }
  }

  @Test
  void theReadOnlyRoleCoversEveryListPodnetReads() throws IOException {
    Set<Permission> granted = granted(READONLY);
    for (Resource resource : Resource.values()) {
      String[] parts = resource.apiPath().split("/");
      // /api/v1/<plural> or /apis/<group>/<version>/<plural>
      String group = parts[1].equals("api") ? "" : parts[2];
      String plural = parts[parts.length - 1];
      for (String verb : List.of("get", "list", "watch")) {
        assertThat(granted)
            .as("%s %s (%s)", verb, plural, resource)
            .contains(new Permission(verb, group, plural, "", ""));
      }
    }
  }

  /** Every (verb, group, resource, subresource, namespace) the rules of a file grant. */
  private static Set<Permission> granted(Path file) throws IOException {
    Set<Permission> granted = new HashSet<>();
    for (JsonNode document : documents(file)) {
      String kind = document.path("kind").asText();
      if (!kind.equals("ClusterRole") && !kind.equals("Role")) {
        continue;
      }
      String namespace =
          kind.equals("Role") ? document.path("metadata").path("namespace").asText() : "";
      for (JsonNode rule : document.path("rules")) {
        for (JsonNode group : rule.path("apiGroups")) {
          for (JsonNode resource : rule.path("resources")) {
            String[] split = resource.asText().split("/", 2);
            for (JsonNode verb : rule.path("verbs")) {
              granted.add(
                  new Permission(
                      verb.asText(),
                      group.asText(),
                      split[0],
                      split.length > 1 ? split[1] : "",
                      namespace));
            }
          }
        }
      }
    }
    return granted;
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (var parser = yaml.getFactory().createParser(file.toFile())) {
      return yaml.readValues(parser, JsonNode.class).readAll();
    }
  }
}
