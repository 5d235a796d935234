package dev.podnet.check;

import dev.podnet.model.ClusterModel;

/** One table a command shows, computed from the model. Pure, like a check. */
public interface View {
  Table build(ClusterModel model);
}
