package dev.podnet.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses CNI config files the way libcni ({@code ConfFromBytes}, {@code ConfListFromBytes}) and
 * go-cni ({@code loadFromConfDir}) do, producing their error texts word for word.
 */
final class CniConfigParser {
  /** go-cni's {@code ErrInvalidConfig}, appended to every load error. */
  static final String INVALID_CNI_CONFIG = "invalid cni config";

  /** An installer placeholder left in a value, e.g. {@code __MTU__} or {@code __CNI_MTU__}. */
  private static final Pattern PLACEHOLDER = Pattern.compile("__[A-Z][A-Z0-9_]*__");

  private CniConfigParser() {}

  /** Parses one file; {@code .conflist} as a list, anything else as a single plugin. */
  static CniConfig parse(String fileName, String content) {
    return fileName.endsWith(".conflist")
        ? parseList(fileName, content)
        : parseConf(fileName, content);
  }

  private static CniConfig parseList(String fileName, String content) {
    String path = CniConfig.CONF_DIR + "/" + fileName;
    Optional<String> syntax = GoJsonSyntax.check(content);
    if (syntax.isPresent()) {
      return listError(fileName, "error parsing configuration list: " + syntax.get());
    }
    Object document = parseValid(content);
    if (document != null && !(document instanceof Map<?, ?>)) {
      return listError(
          fileName,
          "error parsing configuration list: json: cannot unmarshal "
              + Json.goKind(document)
              + " into Go value of type map[string]interface {}");
    }
    Map<String, Object> raw = Json.object(document);
    Object name = raw.get("name");
    if (name == null) {
      return listError(fileName, "error parsing configuration list: no name");
    }
    if (!(name instanceof String)) {
      return listError(
          fileName, "error parsing configuration list: invalid name type " + Json.goType(name));
    }
    Object version = raw.get("cniVersion");
    if (version != null && !(version instanceof String)) {
      return listError(
          fileName,
          "error parsing configuration list: invalid cniVersion type " + Json.goType(version));
    }
    if (!raw.containsKey("plugins")) {
      return listError(fileName, "error parsing configuration list: no plugins in list");
    }
    Object pluginsValue = raw.get("plugins");
    if (!(pluginsValue instanceof List<?>)) {
      return listError(
          fileName,
          "error parsing configuration list: invalid 'plugins' type " + Json.goType(pluginsValue));
    }
    List<Object> entries = Json.array(pluginsValue);
    if (entries.isEmpty()) {
      return listError(fileName, "error parsing configuration list: no plugins in list");
    }
    List<CniPlugin> plugins = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Object entry = entries.get(i);
      String error = pluginError(entry);
      if (error != null) {
        return listError(fileName, "failed to parse plugin config " + i + ": " + error);
      }
      Map<String, Object> object = Json.object(entry);
      plugins.add(new CniPlugin((String) object.get("type"), object));
    }
    String cniVersion = (String) version;
    return new CniConfig(
        fileName,
        true,
        (String) name,
        cniVersion,
        plugins,
        null,
        null,
        problems(raw, cniVersion, path));
  }

  private static CniConfig parseConf(String fileName, String content) {
    String path = CniConfig.CONF_DIR + "/" + fileName;
    Optional<String> syntax = GoJsonSyntax.check(content);
    String libcniError = syntax.map(s -> "error parsing configuration: " + s).orElse(null);
    Object document = syntax.isPresent() ? null : parseValid(content);
    if (libcniError == null) {
      String fieldError = netConfError(document);
      if (fieldError != null) {
        libcniError = "error parsing configuration: " + fieldError;
      }
    }
    if (libcniError != null) {
      return new CniConfig(
          fileName,
          false,
          null,
          null,
          List.of(),
          "failed to load CNI config file " + path + ": " + libcniError + ": " + INVALID_CNI_CONFIG,
          libcniError,
          List.of());
    }
    Map<String, Object> raw = Json.object(document);
    String name = Json.string(raw, "name").orElse(null);
    String version = Json.string(raw, "cniVersion").orElse(null);
    String type = Json.string(raw, "type").orElse("");
    if (type.isEmpty()) {
      String hint = raw.containsKey("plugins") ? " (a conflist in a .conf file?)" : "";
      return new CniConfig(
          fileName,
          false,
          name,
          version,
          List.of(),
          "network type not found in " + path + ": " + INVALID_CNI_CONFIG,
          "no 'type'" + hint,
          List.of());
    }
    return new CniConfig(
        fileName,
        false,
        name,
        version,
        List.of(new CniPlugin(type, raw)),
        null,
        null,
        problems(raw, version, path));
  }

  /** libcni's error for one {@code plugins[]} entry ({@code ConfFromBytes}), or null. */
  private static String pluginError(Object entry) {
    String fieldError = netConfError(entry);
    if (fieldError != null) {
      return "error parsing configuration: " + fieldError;
    }
    if (Json.string(Json.object(entry), "type").orElse("").isEmpty()) {
      return "error parsing configuration: missing 'type'";
    }
    return null;
  }

  /**
   * What Go's {@code json.Unmarshal} into {@code types.NetConf} says about a value of the wrong
   * shape: a non-object, or a {@code name}, {@code type} or {@code cniVersion} that is not a
   * string.
   */
  private static String netConfError(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?>)) {
      return "json: cannot unmarshal "
          + Json.goKind(value)
          + " into Go value of type types.NetConf";
    }
    Map<String, Object> object = Json.object(value);
    for (String field : List.of("cniVersion", "name", "type")) {
      Object member = object.get(field);
      if (member != null && !(member instanceof String)) {
        return "json: cannot unmarshal "
            + Json.goKind(member)
            + " into Go struct field NetConf."
            + field
            + " of type string";
      }
    }
    return null;
  }

  /** Problems that let the file load but fail pods later. */
  private static List<String> problems(Map<String, Object> raw, String cniVersion, String path) {
    List<String> problems = new ArrayList<>();
    if (cniVersion != null && !CniConfig.SUPPORTED_VERSIONS.contains(cniVersion)) {
      problems.add(
          "unsupported cniVersion \""
              + cniVersion
              + "\" in "
              + path
              + " (libcni supports "
              + String.join(", ", CniConfig.SUPPORTED_VERSIONS)
              + ")");
    }
    TreeSet<String> placeholders = new TreeSet<>();
    collectPlaceholders(raw, placeholders);
    if (!placeholders.isEmpty()) {
      problems.add(
          "unrendered installer placeholder "
              + String.join(", ", placeholders)
              + " in "
              + path
              + ": the CNI's installer did not finish writing it");
    }
    return problems;
  }

  private static void collectPlaceholders(Object value, TreeSet<String> found) {
    if (value instanceof String text) {
      Matcher matcher = PLACEHOLDER.matcher(text);
      while (matcher.find()) {
        found.add(matcher.group());
      }
    } else if (value instanceof Map<?, ?> map) {
      map.values().forEach(v -> collectPlaceholders(v, found));
    } else if (value instanceof List<?> list) {
      list.forEach(v -> collectPlaceholders(v, found));
    }
  }

  private static CniConfig listError(String fileName, String libcniError) {
    String path = CniConfig.CONF_DIR + "/" + fileName;
    return new CniConfig(
        fileName,
        true,
        null,
        null,
        List.of(),
        "failed to load CNI config list file "
            + path
            + ": "
            + libcniError
            + ": "
            + INVALID_CNI_CONFIG,
        libcniError,
        List.of());
  }

  /** Parses text that Go's syntax check accepted. */
  private static Object parseValid(String content) {
    try {
      return Json.parse(content);
    } catch (IOException e) {
      // Go accepted it; Jackson differs only on exotic input (e.g. huge numbers); treat as empty.
      return Map.of();
    }
  }
}
