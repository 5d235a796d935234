package dev.podnet.node;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The pod sandboxes the runtime knows, from {@code crictl pods -o json}: {@code {"items": [{"id",
 * "metadata": {"name", "namespace", "uid", "attempt"}, "state": "SANDBOX_READY" |
 * "SANDBOX_NOTREADY", ...}]}}.
 */
public record Sandboxes(Map<String, Sandbox> byId) {
  static final String READY = "SANDBOX_READY";

  public Sandboxes {
    byId = Map.copyOf(byId);
  }

  /** One sandbox: its full 64-hex id, state, and pod. */
  public record Sandbox(String id, String state, String namespace, String name) {
    /** Whether the runtime reports it {@code SANDBOX_READY}: its network is set up. */
    public boolean ready() {
      return READY.equals(state);
    }
  }

  /** Parses crictl's output; throws with a one-line reason when it is not that shape. */
  public static Sandboxes parse(String json) throws IOException {
    Object document = Json.parse(json);
    if (!(document instanceof Map<?, ?>)
        || !(Json.object(document).get("items") instanceof java.util.List<?>)) {
      throw new IOException("not the output of crictl pods -o json (no \"items\" array)");
    }
    Map<String, Sandbox> byId = new LinkedHashMap<>();
    for (Object item : Json.array(Json.object(document).get("items"))) {
      Map<String, Object> sandbox = Json.object(item);
      Map<String, Object> metadata = Json.object(sandbox.get("metadata"));
      Json.string(sandbox, "id")
          .filter(id -> !id.isEmpty())
          .ifPresent(
              id ->
                  byId.put(
                      id.toLowerCase(Locale.ROOT),
                      new Sandbox(
                          id,
                          Json.string(sandbox, "state").orElse(""),
                          Json.string(metadata, "namespace").orElse(""),
                          Json.string(metadata, "name").orElse(""))));
    }
    return new Sandboxes(byId);
  }

  /**
   * The sandbox with this container id (host-local records the sandbox id), if the runtime has it.
   */
  public Optional<Sandbox> find(String containerId) {
    return Optional.ofNullable(byId.get(containerId.strip().toLowerCase(Locale.ROOT)));
  }
}
