package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.Resource;
import java.util.List;
import java.util.Set;

/** One analysis over the cluster model. Pure: no I/O, no clock, no shared state. */
public interface Check {
  /** Stable id, e.g. {@code sandbox-failures}; listed in the README's check table. */
  String id();

  /** One line saying what it looks at. */
  String description();

  /**
   * The sources without which the check cannot run; it is reported as skipped if one is missing.
   */
  Set<Resource> requires();

  /** Sources the check reads when present; without them it runs with less evidence. */
  default Set<Resource> uses() {
    return Set.of();
  }

  /**
   * False when the check has nothing to look at in this cluster (a Calico check on a cluster
   * without Calico): it is then neither run nor reported as skipped.
   */
  default boolean applies(ClusterModel model) {
    return true;
  }

  List<Finding> run(ClusterModel model);
}
