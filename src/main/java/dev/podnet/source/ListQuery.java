package dev.podnet.source;

import dev.podnet.model.Resource;
import java.util.List;

/**
 * What to read of one resource: the fields to keep, and the server-side field selectors a live
 * source may use to narrow it (one list request per selector; none means one unfiltered list).
 * Snapshot sources ignore the selectors: the model builder filters every item it receives anyway.
 */
public record ListQuery(Resource resource, Selection selection, List<String> fieldSelectors) {
  public ListQuery {
    fieldSelectors = List.copyOf(fieldSelectors);
  }
}
