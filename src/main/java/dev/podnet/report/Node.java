package dev.podnet.report;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * The ordered tree that both the JSON and the YAML writer print, so that the two formats cannot
 * drift apart: key order is the order fields were added, and absent (null) values are never added.
 */
sealed interface Node permits Node.Mapping, Node.Sequence, Node.Text, Node.Numeric, Node.Flag {

  /** An object whose fields keep the order they were added in. */
  record Mapping(List<Field> fields) implements Node {
    public Mapping {
      fields = List.copyOf(fields);
    }
  }

  /** One named value of a {@link Mapping}. */
  record Field(String name, Node value) {}

  /**
   * An array. Its items may be a lazy view over a finding's pods, so that a diagnosis of 150,000
   * pods is printed without a second copy of it in memory.
   */
  record Sequence(List<? extends Node> items) implements Node {}

  record Text(String value) implements Node {}

  /** A whole number: counts, exit statuses, the schema version. */
  record Numeric(long value) implements Node {}

  /** A boolean: an option that is on or off. */
  record Flag(boolean value) implements Node {}

  /** A sequence whose items are converted from {@code values} only as they are printed. */
  static <T> Sequence sequence(List<T> values, Function<? super T, ? extends Node> convert) {
    return new Sequence(new LazyList<>(values, convert));
  }

  static Sequence texts(List<String> values) {
    return sequence(values, Text::new);
  }

  static MappingBuilder mapping() {
    return new MappingBuilder();
  }

  /** Builds a {@link Mapping}, leaving out null values. */
  final class MappingBuilder {
    private final List<Field> fields = new ArrayList<>();

    private MappingBuilder() {}

    MappingBuilder text(String name, String value) {
      return value == null ? this : node(name, new Text(value));
    }

    MappingBuilder number(String name, long value) {
      return node(name, new Numeric(value));
    }

    MappingBuilder flag(String name, boolean value) {
      return node(name, new Flag(value));
    }

    MappingBuilder number(String name, Integer value) {
      return value == null ? this : number(name, value.longValue());
    }

    MappingBuilder texts(String name, List<String> values) {
      return values == null ? this : node(name, Node.texts(values));
    }

    MappingBuilder node(String name, Node value) {
      if (value != null) {
        fields.add(new Field(name, value));
      }
      return this;
    }

    Mapping build() {
      return new Mapping(fields);
    }
  }

  /** A read-only view that converts each element when it is read. */
  final class LazyList<T> extends AbstractList<Node> implements RandomAccess {
    private final List<T> values;
    private final Function<? super T, ? extends Node> convert;

    private LazyList(List<T> values, Function<? super T, ? extends Node> convert) {
      this.values = values;
      this.convert = convert;
    }

    @Override
    public Node get(int index) {
      return convert.apply(values.get(index));
    }

    @Override
    public int size() {
      return values.size();
    }
  }
}
