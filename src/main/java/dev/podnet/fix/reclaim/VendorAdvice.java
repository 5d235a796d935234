package dev.podnet.fix.reclaim;

import dev.podnet.check.NextStep;
import java.util.List;

/**
 * What to run, with the vendor's own tool, to release leaked addresses of a CNI whose datastore
 * podnet does not edit.
 *
 * @param cni {@code calico} or {@code cilium}
 * @param summary what the model shows and why podnet prints commands rather than acting
 * @param leaks the leaked addresses the model shows, each with who held it; empty when the model
 *     cannot tell
 * @param steps the commands, in order
 */
public record VendorAdvice(String cni, String summary, List<Leak> leaks, List<NextStep> steps) {
  public VendorAdvice {
    leaks = List.copyOf(leaks);
    steps = List.copyOf(steps);
  }

  /**
   * One leaked address.
   *
   * @param holder who held it, e.g. {@code handle k8s-pod-network.<id> of pod demo/web-1 (gone)}
   */
  public record Leak(String ip, String holder) {}
}
