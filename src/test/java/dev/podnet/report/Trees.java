package dev.podnet.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads rendered JSON and YAML back into plain values (ordered maps, lists, strings, longs) so
 * tests can compare the formats. Three independent YAML readers: Jackson's, SnakeYAML (YAML 1.1
 * types: {@code yes}, timestamps, sexagesimal numbers) and snakeyaml-engine (YAML 1.2 core schema).
 */
final class Trees {
  private Trees() {}

  /** Every root value of a JSON text: one for a document, one per line for JSON Lines. */
  static List<Object> json(String text) throws IOException {
    try (JsonParser parser = new JsonFactory().createParser(text)) {
      return roots(parser);
    }
  }

  /** Every document of a YAML stream, read by jackson-dataformat-yaml. */
  static List<Object> jacksonYaml(String text) throws IOException {
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      return roots(parser);
    }
  }

  /** Every document, read with YAML 1.1 type resolution. */
  static List<Object> yaml11(String text) {
    List<Object> documents = new ArrayList<>();
    new Yaml(new SafeConstructor(new LoaderOptions()))
        .loadAll(text)
        .forEach(document -> documents.add(normalise(document)));
    return documents;
  }

  /** Every document, read with the YAML 1.2 core schema. */
  static List<Object> yaml12(String text) {
    List<Object> documents = new ArrayList<>();
    new Load(LoadSettings.builder().setSchema(new CoreSchema()).build())
        .loadAllFromString(text)
        .forEach(document -> documents.add(normalise(document)));
    return documents;
  }

  private static List<Object> roots(JsonParser parser) throws IOException {
    List<Object> roots = new ArrayList<>();
    while (parser.nextToken() != null) {
      roots.add(value(parser));
    }
    return roots;
  }

  private static Object value(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          map.put(name, value(parser));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(parser));
        }
        return list;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT -> {
        return parser.getLongValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return parser.getBooleanValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default ->
          throw new IllegalStateException(
              "unexpected " + token + " in " + parser.currentLocation());
    }
  }

  /**
   * Integers as longs. Keys and values of any other type (a Boolean key, a Date value) are left as
   * they are, so that a comparison with the JSON tree fails.
   */
  private static Object normalise(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(normalise(k), normalise(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(normalise(item)));
      return copy;
    }
    if (value instanceof Integer number) {
      return number.longValue();
    }
    return value;
  }
}
