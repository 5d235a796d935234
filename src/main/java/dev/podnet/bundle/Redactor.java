package dev.podnet.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces secrets in everything a bundle writes (Kubernetes objects, CNI configs, logs) with
 * {@code <redacted:KIND:FINGERPRINT>} and records each replacement. The fingerprint is the first 8
 * hex digits of an HMAC-SHA256 of the secret under a key drawn once per bundle: identical secrets
 * get identical markers inside one bundle, so they stay correlatable, while a short or guessable
 * password cannot be recovered by hashing candidates (a bare SHA-256 prefix would allow that).
 *
 * <p>Not thread-safe: one redactor per bundle run.
 */
public final class Redactor {
  /** A kind of secret and where in a match it sits. */
  record Rule(String kind, Pattern pattern, int group, boolean pathsAllowed) {}

  private static final String KEYWORDS =
      "password|passwd|secret|api[_-]?key|apikey|secret[_-]?key|access[_-]?key|auth[_-]?token|access[_-]?token";

  /** The rules, in the order they are applied; later rules never match an earlier marker. */
  static final List<Rule> RULES =
      List.of(
          new Rule(
              "private-key",
              Pattern.compile(
                  "-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(?:-----END \\1PRIVATE KEY-----|\\z)",
                  Pattern.DOTALL),
              0,
              false),
          new Rule(
              "certificate",
              Pattern.compile(
                  "-----BEGIN (?:TRUSTED )?CERTIFICATE-----.*?(?:-----END (?:TRUSTED )?CERTIFICATE-----|\\z)",
                  Pattern.DOTALL),
              0,
              false),
          new Rule(
              "kubeconfig-credential",
              Pattern.compile(
                  "(?im)^[ \\t-]*(?:token|client-key-data|client-certificate-data|password|id-token|refresh-token|client-secret)"
                      + "[ \\t]*:[ \\t]*[\"']?([^\\s\"'<#][^\\s\"']*)"),
              1,
              true),
          new Rule(
              "json-credential",
              Pattern.compile(
                  "(?i)\"(?:token|k8s_auth_token|client-key-data|client-certificate-data|id-token|refresh-token|"
                      + KEYWORDS
                      + ")\"\\s*:\\s*\"([^\"<][^\"]*)\""),
              1,
              true),
          new Rule(
              "jwt",
              Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*"),
              0,
              false),
          new Rule(
              "bearer-token",
              Pattern.compile("(?i)\\bbearer\\s+([A-Za-z0-9._~+/-]{8,}=*)"),
              1,
              false),
          new Rule(
              "aws-secret-access-key",
              Pattern.compile(
                  "(?i)(?:aws_secret_access_key|aws-secret-access-key|secretAccessKey|secret_access_key)"
                      + "[\"']?\\s*[=:]\\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"),
              1,
              false),
          new Rule(
              "aws-access-key-id", Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"), 0, false),
          new Rule(
              "password",
              Pattern.compile(
                  "(?i)(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_-])?(?:"
                      + KEYWORDS
                      + ")[\"']?\\s*[=:]\\s*[\"']?([^\\s\"',;&<][^\\s\"',;&]*)"),
              1,
              true));

  /** Environment variable names whose literal values are redacted. */
  private static final Pattern SECRET_ENV_NAME =
      Pattern.compile("(?i).*(PASSWORD|TOKEN|SECRET|KEY).*");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mac mac;
  private final List<Redaction> redactions = new ArrayList<>();

  /** A redactor whose fingerprints are keyed by the given bytes (tests pass a fixed key). */
  public Redactor(byte[] key) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** A redactor with a fresh random key: markers correlate inside one bundle only. */
  public static Redactor withRandomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new Redactor(key);
  }

  /** Every replacement made so far, in order. */
  public List<Redaction> redactions() {
    return List.copyOf(redactions);
  }

  /**
   * Returns the text with every secret replaced.
   *
   * @param file the bundle file, for the manifest
   * @param where what the text is, e.g. an object and JSON path; null for a whole file (lines are
   *     reported)
   */
  public String redactText(String text, String file, String where) {
    if (text == null || text.length() < 8) {
      return text;
    }
    String current = text;
    for (Rule rule : RULES) {
      current = apply(rule, current, file, where);
    }
    return current;
  }

  private String apply(Rule rule, String text, String file, String where) {
    Matcher matcher = rule.pattern().matcher(text);
    if (!matcher.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int copied = 0;
    do {
      int start = matcher.start(rule.group());
      int end = matcher.end(rule.group());
      String secret = text.substring(start, end);
      if ((rule.pathsAllowed() && looksLikePath(secret)) || insideMarker(text, start)) {
        continue;
      }
      String marker = marker(rule.kind(), secret);
      out.append(text, copied, start).append(marker);
      copied = end;
      redactions.add(new Redaction(file, location(where, text, start), rule.kind(), marker));
    } while (matcher.find());
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * True when the offset lies in an earlier rule's marker, whose kind may itself read like a key.
   */
  private static boolean insideMarker(String text, int offset) {
    int open = text.lastIndexOf("<redacted:", offset);
    return open >= 0 && text.indexOf('>', open) >= offset;
  }

  /** Paths are not secrets: {@code --etcd-keyfile=/etc/etcd/client.key} stays. */
  private static boolean looksLikePath(String value) {
    return value.startsWith("/")
        || value.startsWith("./")
        || value.startsWith("${")
        || value.startsWith("$(");
  }

  private static String location(String where, String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    if (where == null) {
      return "line " + line;
    }
    return line == 1 && text.indexOf('\n') < 0 ? where : where + " line " + line;
  }

  private String marker(String kind, String secret) {
    byte[] digest = mac.doFinal(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return "<redacted:" + kind + ":" + HexFormat.of().formatHex(digest, 0, 4) + ">";
  }

  /**
   * Redacts one Kubernetes object in place: every string value (annotations holding JSON, such as
   * {@code last-applied-configuration}, are redacted as objects), and literal values of environment
   * variables named like {@code *PASSWORD*}, {@code *TOKEN*}, {@code *SECRET*}, {@code *KEY*}.
   */
  public void redactObject(ObjectNode item, String file) {
    JsonNode metadata = item.path("metadata");
    String namespace = metadata.path("namespace").asText("");
    String name = metadata.path("name").asText("?");
    String object = (namespace.isEmpty() ? "" : namespace + "/") + name;
    walk(item, file, object, "");
  }

  private void walk(JsonNode node, String file, String object, String path) {
    if (node instanceof ObjectNode objectNode) {
      Iterator<Map.Entry<String, JsonNode>> fields = objectNode.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String childPath = path + "." + field.getKey();
        JsonNode value = field.getValue();
        if (value.isTextual()) {
          field.setValue(redactString(value.asText(), file, object, childPath));
        } else if ("env".equals(field.getKey()) && value instanceof ArrayNode env) {
          redactEnv(env, file, object, childPath);
        } else {
          walk(value, file, object, childPath);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode element = array.get(i);
        String childPath = path + "[" + i + "]";
        if (element.isTextual()) {
          array.set(i, redactString(element.asText(), file, object, childPath));
        } else {
          walk(element, file, object, childPath);
        }
      }
    }
  }

  private JsonNode redactString(String value, String file, String object, String path) {
    String trimmed = value.strip();
    if (trimmed.startsWith("{") && trimmed.endsWith("}") && trimmed.length() > 2) {
      try {
        JsonNode embedded = JSON.readTree(trimmed);
        if (embedded instanceof ObjectNode embeddedObject) {
          int before = redactions.size();
          walk(embeddedObject, file, object, path + "{json}");
          return before == redactions.size()
              ? TextNode.valueOf(value)
              : TextNode.valueOf(JSON.writeValueAsString(embeddedObject));
        }
      } catch (java.io.IOException notJson) {
        // plain text that happens to look like an object: redacted as text below
      }
    }
    return TextNode.valueOf(redactText(value, file, object + " " + path));
  }

  private void redactEnv(ArrayNode env, String file, String object, String path) {
    for (int i = 0; i < env.size(); i++) {
      if (!(env.get(i) instanceof ObjectNode variable)) {
        continue;
      }
      String name = variable.path("name").asText("");
      JsonNode value = variable.get("value");
      String where = object + " " + path + "[" + i + "].value";
      if (value != null
          && value.isTextual()
          && !value.asText().isEmpty()
          && SECRET_ENV_NAME.matcher(name).matches()) {
        String marker = marker("env-secret", value.asText());
        variable.put("value", marker);
        redactions.add(new Redaction(file, where + " (" + name + ")", "env-secret", marker));
      } else {
        walk(variable, file, object, path + "[" + i + "]");
      }
    }
  }
}
