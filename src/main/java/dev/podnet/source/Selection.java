package dev.podnet.source;

import java.util.Map;

/**
 * Which fields of a JSON object to keep while streaming; everything else is skipped without being
 * built. A selection applies to every element of an array it meets.
 *
 * <p>Written as a nested spec, e.g. {@code Selection.of("metadata", Selection.fields("name",
 * "uid"), "spec", Selection.ALL)}.
 */
public record Selection(Map<String, Selection> children, boolean all) {

  /** Keeps a whole subtree. */
  public static final Selection ALL = new Selection(Map.of(), true);

  /** Keeps the named scalar or subtree fields whole. */
  public static Selection fields(String... names) {
    Map<String, Selection> map = new java.util.HashMap<>();
    for (String name : names) {
      map.put(name, ALL);
    }
    return new Selection(Map.copyOf(map), false);
  }

  /** Keeps the given fields with their own selections: name, selection, name, selection... */
  public static Selection of(Object... namesAndSelections) {
    if (namesAndSelections.length % 2 != 0) {
      throw new IllegalArgumentException("names and selections must come in pairs");
    }
    Map<String, Selection> map = new java.util.HashMap<>();
    for (int i = 0; i < namesAndSelections.length; i += 2) {
      map.put((String) namesAndSelections[i], (Selection) namesAndSelections[i + 1]);
    }
    return new Selection(Map.copyOf(map), false);
  }

  /** The selection for a child field, or null when the field is not wanted. */
  Selection child(String name) {
    return all ? ALL : children.get(name);
  }
}
