package dev.podnet.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Streams a Kubernetes List (a file from {@code kubectl get -o json} or one page of an API list)
 * item by item, keeping only the selected fields of each item. One reader serves snapshot files and
 * HTTP pages alike, so memory never holds a whole list.
 */
public final class KubeListReader {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
          .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What a list said about itself besides its items. */
  public record ListInfo(String kind, String continueToken, long items) {}

  private KubeListReader() {}

  /**
   * Reads one list.
   *
   * @param name the file or URL, used in error messages
   * @param itemKind the kind every item must have, e.g. {@code Node}; a List of another kind is an
   *     error
   * @param sink receives each item's selected fields
   */
  public static ListInfo read(
      InputStream in, String name, String itemKind, Selection selection, Consumer<ObjectNode> sink)
      throws SourceException {
    try (JsonParser parser = JSON.createParser(in)) {
      return readList(parser, name, itemKind, selection, sink);
    } catch (JsonEOFException e) {
      throw new SourceException(name + ": truncated JSON (unexpected end of input)", e);
    } catch (JsonParseException e) {
      throw new SourceException(
          name + ": malformed JSON at " + location(e) + ": " + firstLine(e.getOriginalMessage()),
          e);
    } catch (IOException e) {
      throw new SourceException(name + ": cannot be read: " + firstLine(e.getMessage()), e);
    }
  }

  private static ListInfo readList(
      JsonParser parser,
      String name,
      String itemKind,
      Selection selection,
      Consumer<ObjectNode> sink)
      throws IOException, SourceException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new SourceException(name + ": not a Kubernetes List (expected a JSON object)");
    }
    String kind = null;
    String continueToken = null;
    long count = 0;
    boolean sawItems = false;
    Set<String> listKinds = Set.of("List", itemKind + "List");
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "kind" -> {
          kind = parser.getValueAsString();
          if (!listKinds.contains(kind)) {
            if (itemKind.equals(kind)) {
              throw new SourceException(
                  name
                      + ": holds a single "
                      + kind
                      + ", expected a list (kubectl get "
                      + plural(itemKind)
                      + " -o json)");
            }
            throw new SourceException(
                name + ": wrong kind '" + kind + "', expected List or " + itemKind + "List");
          }
        }
        case "metadata" -> {
          if (value == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
              String metaField = parser.currentName();
              parser.nextToken();
              if ("continue".equals(metaField)) {
                continueToken = parser.getValueAsString();
              } else {
                parser.skipChildren();
              }
            }
          } else {
            parser.skipChildren();
          }
        }
        case "items" -> {
          sawItems = true;
          if (value == JsonToken.VALUE_NULL) {
            break;
          }
          if (value != JsonToken.START_ARRAY) {
            throw new SourceException(name + ": 'items' is not an array");
          }
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            ObjectNode item = readObject(parser, selection, itemKind, name, count);
            count++;
            sink.accept(item);
          }
          if (parser.currentToken() != JsonToken.END_ARRAY) {
            throw new SourceException(name + ": item " + count + " of 'items' is not an object");
          }
        }
        default -> parser.skipChildren();
      }
    }
    if (parser.currentToken() != JsonToken.END_OBJECT) {
      throw new SourceException(name + ": truncated JSON (unexpected end of input)");
    }
    if (kind == null && !sawItems) {
      throw new SourceException(name + ": not a Kubernetes List (no 'kind' and no 'items')");
    }
    if (parser.nextToken() != null) {
      throw new SourceException(
          name + ": unexpected content after the list at " + location(parser));
    }
    return new ListInfo(kind, continueToken, count);
  }

  /** Reads one item object, checking its kind when it states one. */
  private static ObjectNode readObject(
      JsonParser parser, Selection selection, String itemKind, String name, long index)
      throws IOException, SourceException {
    ObjectNode node = NODES.objectNode();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      if ("kind".equals(field) && token == JsonToken.VALUE_STRING) {
        String kind = parser.getText();
        if (!itemKind.equals(kind)) {
          throw new SourceException(
              name + ": item " + index + " is a " + kind + ", expected " + itemKind);
        }
        continue;
      }
      Selection child = selection.child(field);
      if (child == null) {
        parser.skipChildren();
      } else {
        node.set(field, readValue(parser, child));
      }
    }
    return node;
  }

  private static JsonNode readValue(JsonParser parser, Selection selection) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          Selection child = selection.child(field);
          if (child == null) {
            parser.skipChildren();
          } else {
            object.set(field, readValue(parser, child));
          }
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(parser, selection));
        }
        return array;
      }
      case VALUE_STRING -> {
        return NODES.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return NODES.numberNode(parser.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(parser.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      default -> {
        return NODES.nullNode();
      }
    }
  }

  private static String plural(String kind) {
    return kind.toLowerCase(java.util.Locale.ROOT) + "s";
  }

  private static String location(JsonParseException e) {
    return e.getLocation() == null
        ? "unknown position"
        : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }

  private static String location(JsonParser parser) {
    var location = parser.currentLocation();
    return "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
