package dev.podnet.check;

import java.util.List;

/**
 * A table a command shows beside its findings: the layers that state the cluster CIDR, the nodes
 * and their free addresses, the pools. Cells are plain text; renderers align and escape them.
 *
 * @param id stable key in JSON/YAML, e.g. {@code layers}
 * @param title the heading shown above it
 * @param columns column headings
 * @param rows one list of cells per row, each as long as {@code columns}
 */
public record Table(String id, String title, List<String> columns, List<List<String>> rows) {
  public Table {
    columns = List.copyOf(columns);
    rows = rows.stream().map(List::copyOf).toList();
    for (List<String> row : rows) {
      if (row.size() != columns.size()) {
        throw new IllegalArgumentException(
            "table "
                + id
                + ": row "
                + row
                + " has "
                + row.size()
                + " cells, expected "
                + columns.size());
      }
    }
  }
}
