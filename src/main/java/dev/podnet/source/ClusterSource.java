package dev.podnet.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
import java.util.Collection;
import java.util.Map;

/** Where cluster data comes from: a snapshot directory, a snapshot archive, or the live API. */
public interface ClusterSource extends AutoCloseable {

  /**
   * Receives the selected fields of each item. Items of one resource arrive from one thread, in
   * list order; items of different resources may arrive from different threads at once, so a sink
   * keeps the state of each resource apart.
   */
  @FunctionalInterface
  interface ItemSink {
    void accept(Resource resource, ObjectNode item);
  }

  /**
   * Streams every queried resource into the sink, in whatever order is cheapest for the source.
   *
   * @return the queried resources that were not available, each with why
   */
  Map<Resource, String> read(Collection<ListQuery> queries, ItemSink sink) throws SourceException;

  /** Where the data came from; complete once {@link #read} has returned. */
  SourceInfo info();

  @Override
  default void close() {}
}
