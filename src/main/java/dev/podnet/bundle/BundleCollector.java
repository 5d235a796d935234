package dev.podnet.bundle;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.Resource;
import dev.podnet.source.ArchiveLimits;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.RawListCopier;
import dev.podnet.source.SourceException;
import dev.podnet.source.UnsafeArchiveException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Collects a bundle from a live cluster: the snapshot layout of DESIGN.md section 3 as raw,
 * redacted {@code kubectl get -o json} Lists, optionally narrowed, optionally with each selected
 * node's files, and a manifest; written all or nothing by {@link BundleWriter}. Secrets are never
 * requested: only the lists of {@link Resource} are read.
 */
public final class BundleCollector {
  /** Namespaces whose ConfigMaps carry network settings, as the live source reads them. */
  static final List<String> CONFIGMAP_NAMESPACES = List.of("kube-system", "kube-flannel");

  /** Bounds on one node's files: configs, state and log tails are small; a bomb is not. */
  static final ArchiveLimits NODE_FILE_LIMITS =
      new ArchiveLimits(1L << 30, 64L << 20, 100_000, 200);

  /**
   * Largest node file bundled: {@code podnet node} and {@code diagnose --snapshot} hold node files
   * up to 16 MiB; a bigger one would make the bundle unreadable to them.
   */
  static final long NODE_FILE_MAX_BYTES = 16L << 20;

  /** Where in a node-file archive the pod leaves the host commands' statuses. */
  static final String STATUS_DIR = ".podnet/";

  private static final String MANIFEST = "manifest.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private final RawListCopier lists;
  private final NodeFileFetcher nodeFiles;
  private final Redactor redactor;
  private final Clock clock;
  private final Progress progress;
  private final Consumer<String> notes;

  /**
   * What to collect and where to write it.
   *
   * @param out the {@code .tar.gz} to write
   * @param replace replace an existing {@code out} ({@code --force})
   * @param podnetVersion recorded in the manifest
   */
  public record Request(Path out, boolean replace, Narrowing narrowing, String podnetVersion) {}

  /** The bundle written and its manifest. */
  public record Result(Path bundle, BundleManifest manifest) {}

  /**
   * @param nodeFiles how node files are fetched, or null without {@code --node-files}
   * @param notes receives one-line notes for stderr (skipped nodes, refused lists)
   */
  public BundleCollector(
      RawListCopier lists,
      NodeFileFetcher nodeFiles,
      Redactor redactor,
      Clock clock,
      Progress progress,
      Consumer<String> notes) {
    this.lists = lists;
    this.nodeFiles = nodeFiles;
    this.redactor = redactor;
    this.clock = clock;
    this.progress = progress;
    this.notes = notes;
  }

  /** Collects and writes the bundle; on any failure nothing is left at or beside {@code out}. */
  public Result collect(Request request) throws SourceException, IOException {
    Instant collectedAt = clock.instant();
    Narrowing narrowing = request.narrowing();
    List<BundleManifest.CollectedFile> collected = new ArrayList<>();
    List<BundleManifest.NotCollected> notCollected = new ArrayList<>();
    List<BundleManifest.NodeFiles> nodes = new ArrayList<>();
    List<String> nodeNames = new ArrayList<>();
    try (BundleWriter writer = BundleWriter.create(request.out(), request.replace())) {
      writer.entryTime(collectedAt);
      for (Resource resource : Resource.values()) {
        Predicate<ObjectNode> keep =
            switch (resource) {
              case NODES ->
                  item -> {
                    boolean kept = narrowing.keepsNode(item);
                    if (kept) {
                      nodeNames.add(item.path("metadata").path("name").asText());
                    }
                    return kept;
                  };
              case PODS -> narrowing::keepsPod;
              case EVENTS -> narrowing::keepsEvent;
              case CONFIGMAPS ->
                  item ->
                      ModelBuilder.NETWORK_CONFIGMAPS.contains(
                          item.path("metadata").path("name").asText());
              default -> item -> true;
            };
        ListCopy copy = copyList(writer, resource, apiPaths(resource, narrowing), keep);
        if (copy.refused() == null) {
          collected.add(
              new BundleManifest.CollectedFile(resource.path(), copy.items(), copy.requests()));
        } else {
          notCollected.add(new BundleManifest.NotCollected(resource.path(), copy.refused()));
          if (!resource.optional()) {
            notes.accept("not collected: " + resource.path() + ": " + copy.refused());
          }
        }
      }
      if (nodeFiles != null) {
        for (String node : nodeNames) {
          nodes.add(collectNode(writer, node));
        }
      }
      progress.done();
      BundleManifest manifest =
          new BundleManifest(
              request.podnetVersion(),
              collectedAt,
              lists.server(),
              lists.context(),
              collected,
              notCollected,
              narrowing,
              nodes,
              lists.requestLog(),
              redactor.redactions());
      writer.add("manifest.json", manifest.toJson());
      writer.commit();
      return new Result(writer.target(), manifest);
    } finally {
      progress.done();
    }
  }

  /** The list paths of a resource: per namespace where narrowed by namespace. */
  static List<String> apiPaths(Resource resource, Narrowing narrowing) {
    List<String> namespaces =
        switch (resource) {
          case CONFIGMAPS -> CONFIGMAP_NAMESPACES;
          case PODS, EVENTS ->
              narrowing.pods().isEmpty() && narrowing.nodes().isEmpty()
                  ? narrowing.namespaces().stream().sorted().toList()
                  : List.of();
          default -> List.of();
        };
    if (namespaces.isEmpty()) {
      return List.of(resource.apiPath());
    }
    String core = "/api/v1/";
    return namespaces.stream()
        .map(ns -> core + "namespaces/" + ns + "/" + resource.apiPath().substring(core.length()))
        .toList();
  }

  private record ListCopy(long items, int requests, String refused) {}

  /**
   * Copies one resource's lists into one List file; the file is dropped when the server refused.
   */
  private ListCopy copyList(
      BundleWriter writer, Resource resource, List<String> paths, Predicate<ObjectNode> keep)
      throws SourceException, IOException {
    BundleWriter.Entry entry = writer.newEntry(resource.path());
    JsonGenerator json = FACTORY.createGenerator(entry);
    json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    json.writeStartObject();
    json.writeStringField("apiVersion", "v1");
    json.writeStringField("kind", "List");
    json.writeObjectFieldStart("metadata");
    json.writeStringField("resourceVersion", "");
    json.writeEndObject();
    json.writeArrayFieldStart("items");
    long[] items = {0};
    int requests = 0;
    try {
      for (String path : paths) {
        String apiVersion = apiVersion(path);
        RawListCopier.Outcome outcome =
            lists.copy(
                path,
                resource.optional(),
                item -> {
                  if (!keep.test(item)) {
                    return;
                  }
                  ObjectNode object = JSON.createObjectNode();
                  object.put("apiVersion", apiVersion);
                  object.put("kind", resource.kind());
                  item.remove(List.of("apiVersion", "kind"));
                  object.setAll(item);
                  redactor.redactObject(object, resource.path());
                  JSON.writeTree(json, object);
                  if (++items[0] % 500 == 0) {
                    progress.update("bundle: " + resource.path() + ": " + items[0] + " items");
                  }
                });
        requests += outcome.requests();
        if (outcome.refused() != null) {
          entry.discard();
          return new ListCopy(items[0], requests, outcome.refused());
        }
      }
      json.writeEndArray();
      json.writeEndObject();
      json.close();
      entry.close();
      progress.update("bundle: " + resource.path() + ": " + items[0] + " items");
      return new ListCopy(items[0], requests, null);
    } catch (UncheckedIOException e) {
      entry.discard();
      throw e.getCause();
    } catch (SourceException | IOException | RuntimeException e) {
      entry.discard();
      throw e;
    }
  }

  /**
   * {@code v1} for {@code /api/v1/...}, {@code group/version} for {@code /apis/group/version/...}.
   */
  static String apiVersion(String path) {
    String[] parts = path.split("/");
    return "api".equals(parts[1]) ? parts[2] : parts[2] + "/" + parts[3];
  }

  private BundleManifest.NodeFiles collectNode(BundleWriter writer, String node)
      throws IOException {
    progress.update("bundle: node files of " + node);
    String prefix = "nodes/" + node + "/";
    List<String> files = new ArrayList<>();
    List<BundleManifest.NotCollected> notCollected = new ArrayList<>();
    Map<String, String> statuses = new HashMap<>();
    try {
      nodeFiles.fetch(
          node,
          tarGz ->
              SafeArchive.read(
                  tarGz,
                  "node files of " + node,
                  NODE_FILE_LIMITS,
                  (path, content) -> {
                    byte[] bytes = content.readAllBytes();
                    if (path.startsWith(STATUS_DIR)) {
                      statuses.put(
                          path.substring(STATUS_DIR.length()),
                          new String(bytes, StandardCharsets.UTF_8));
                      return;
                    }
                    String file = prefix + path;
                    String refused = addNodeFile(writer, file, path, bytes);
                    if (refused == null) {
                      files.add(file);
                    } else {
                      notes.accept("node files of " + node + ": " + path + " " + refused);
                      notCollected.add(new BundleManifest.NotCollected(file, refused));
                    }
                  }));
    } catch (NodeFileFetcher.NodeSkipped | UnsafeArchiveException e) {
      notes.accept("node files of " + node + " skipped: " + e.getMessage());
      return new BundleManifest.NodeFiles(node, files, notCollected, e.getMessage());
    }
    for (HostCommand command : HostCommand.ALL) {
      String file = prefix + command.file();
      if (files.contains(file)) {
        continue;
      }
      String reason = command.notCollectedReason(statuses.get(command.file()));
      if (reason == null) {
        reason = command.commandLine() + ": succeeded, but its output did not arrive";
      }
      notCollected.add(
          new BundleManifest.NotCollected(file, redactor.redactText(reason, MANIFEST, file)));
    }
    return new BundleManifest.NodeFiles(node, files, notCollected, null);
  }

  /**
   * Writes one node file, redacted; returns why it was not bundled, or null when it was. Command
   * outputs in JSON ({@code crictl pods -o json} carries pod annotations such as {@code
   * last-applied-configuration}) are redacted as objects, the rest as text.
   */
  private String addNodeFile(BundleWriter writer, String file, String path, byte[] bytes)
      throws IOException {
    if (isBinary(bytes)) {
      return "is binary; not bundled";
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    boolean commandJson =
        path.endsWith(".json")
            && HostCommand.ALL.stream().anyMatch(command -> command.file().equals(path));
    String redacted = commandJson ? redactJson(text, file) : redactor.redactText(text, file, null);
    byte[] out = redacted.getBytes(StandardCharsets.UTF_8);
    if (out.length > NODE_FILE_MAX_BYTES) {
      return "is "
          + out.length
          + " bytes, beyond the "
          + NODE_FILE_MAX_BYTES
          + " podnet node reads; not bundled";
    }
    writer.add(file, out);
    return null;
  }

  private String redactJson(String text, String file) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException notJson) {
      return redactor.redactText(text, file, null);
    }
    JsonNode items = root != null && root.has("items") ? root.get("items") : root;
    if (items == null || !(items.isArray() || items.isObject())) {
      return redactor.redactText(text, file, null);
    }
    if (items.isArray()) {
      for (JsonNode item : items) {
        if (item instanceof ObjectNode object) {
          redactor.redactObject(object, file);
        }
      }
    } else {
      redactor.redactObject((ObjectNode) items, file);
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
  }

  private static boolean isBinary(byte[] bytes) {
    int n = Math.min(bytes.length, 8192);
    for (int i = 0; i < n; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
