package dev.podnet.fix.reclaim;

import dev.podnet.node.Sandboxes;
import java.time.Instant;
import java.util.Optional;

/**
 * The runtime's sandboxes as saved by {@code crictl pods -o json}, or why they could not be read.
 *
 * @param sandboxes the parsed list, or null when {@code problem} says why there is none
 * @param location the file it was read from
 * @param savedAt the file's modification time: reservations made after it are unknown to it
 * @param problem why the list could not be read, or null
 */
public record SandboxList(Sandboxes sandboxes, String location, Instant savedAt, String problem) {

  public static SandboxList of(Sandboxes sandboxes, String location, Instant savedAt) {
    return new SandboxList(sandboxes, location, savedAt, null);
  }

  public static SandboxList unreadable(String location, String problem) {
    return new SandboxList(null, location, null, problem);
  }

  public Optional<Sandboxes> read() {
    return Optional.ofNullable(sandboxes);
  }

  /** Sandboxes the runtime reports ready, for the report's header. */
  public long ready() {
    return sandboxes == null
        ? 0
        : sandboxes.byId().values().stream().filter(Sandboxes.Sandbox::ready).count();
  }
}
