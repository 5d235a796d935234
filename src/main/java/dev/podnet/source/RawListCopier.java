package dev.podnet.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.model.Resource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.HttpClientUtils;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies API lists item by item as the raw objects the server sent (every field kept), paged with
 * {@code limit}/{@code continue} like {@link LiveSource}; for {@code podnet bundle}, which must
 * write what {@code kubectl get -o json} would. Each item is parsed on its own, so memory holds one
 * item and one page buffer, never a whole list. Connects as kubectl would.
 */
public final class RawListCopier implements AutoCloseable {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build())
          .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

  private final Config config;
  private final String context;
  private final int pageSize;
  private final long timeoutSeconds;
  private final HttpClient client;
  private final List<String> requestLog = new ArrayList<>();

  /** Receives one raw item of a list. */
  @FunctionalInterface
  public interface ItemConsumer {
    void accept(ObjectNode item) throws IOException;
  }

  /**
   * What copying one list gave.
   *
   * @param items the items handed to the consumer
   * @param requests the HTTP requests it took (one per page)
   * @param refused why the list could not be read (403, or 404 of an optional API), or null
   */
  public record Outcome(long items, int requests, String refused) {}

  private RawListCopier(Config config, String context, int pageSize, long timeoutSeconds) {
    this.config = config;
    this.context = context;
    this.pageSize = pageSize;
    this.timeoutSeconds = timeoutSeconds;
    this.client = HttpClientUtils.createHttpClient(config);
  }

  /**
   * Connects as kubectl would: an explicit kubeconfig, else KUBECONFIG / ~/.kube/config /
   * in-cluster.
   *
   * @param context a kubeconfig context, or null for the current one
   */
  public static RawListCopier connect(
      String kubeconfig, String context, int pageSize, long timeoutSeconds) throws SourceException {
    Config config = KubeConfigs.resolve(kubeconfig, context, pageSize, "");
    String current = context;
    if (current == null && config.getCurrentContext() != null) {
      current = config.getCurrentContext().getName();
    }
    return new RawListCopier(config, current, pageSize, timeoutSeconds);
  }

  /** Uses an already resolved client configuration (tests). */
  public static RawListCopier of(Config config, int pageSize, long timeoutSeconds) {
    return new RawListCopier(config, null, pageSize, timeoutSeconds);
  }

  /**
   * Copies every page of one list.
   *
   * @param apiPath e.g. {@code /api/v1/pods} or {@code /api/v1/namespaces/kube-system/configmaps}
   * @param optional true when a 404 means "not installed" rather than an error
   */
  public Outcome copy(String apiPath, boolean optional, ItemConsumer consumer)
      throws SourceException {
    String continueToken = null;
    long items = 0;
    int requests = 0;
    do {
      String path =
          apiPath
              + "?limit="
              + pageSize
              + (continueToken == null
                  ? ""
                  : "&continue=" + URLEncoder.encode(continueToken, StandardCharsets.UTF_8));
      requests++;
      synchronized (requestLog) {
        requestLog.add(path);
      }
      HttpRequest request =
          client
              .newHttpRequestBuilder()
              .uri(base() + path)
              .header("Accept", "application/json")
              .build();
      HttpResponse<InputStream> response =
          ApiCalls.send(client, request, base(), path, timeoutSeconds);
      try (InputStream body = new BufferedInputStream(response.body(), 1 << 16)) {
        int code = response.code();
        if (code == 401) {
          throw new SourceException(
              base() + ": the API server rejected the credentials (HTTP 401 Unauthorized)");
        }
        if (code == 403) {
          return new Outcome(
              items,
              requests,
              "the API server refused to list " + apiPath + " (HTTP 403 Forbidden)");
        }
        String older = olderApiPath(apiPath);
        if (code == 404 && continueToken == null && older != null) {
          // an older server: the same list under its older API version
          Outcome outcome = copy(older, optional, consumer);
          return new Outcome(outcome.items(), requests + outcome.requests(), outcome.refused());
        }
        if (code == 404 && optional) {
          return new Outcome(
              items, requests, "not served by the API server (HTTP 404: not installed)");
        }
        if (code == 410) {
          throw new SourceException(
              base()
                  + path
                  + ": the list changed while paging (410 Gone, continue token expired); run again");
        }
        if (code != 200) {
          String reason =
              KubeListReader.firstLine(new String(body.readNBytes(512), StandardCharsets.UTF_8));
          throw new SourceException(base() + path + ": HTTP " + code + ": " + reason);
        }
        Page page = readPage(body, consumer);
        items += page.items();
        continueToken = page.continueToken();
      } catch (IOException e) {
        throw new SourceException(
            base() + path + ": " + KubeListReader.firstLine(e.getMessage()), e);
      }
    } while (continueToken != null && !continueToken.isEmpty());
    return new Outcome(items, requests, null);
  }

  /** The older API version's list path of a resource listed at {@code apiPath}, or null. */
  private static String olderApiPath(String apiPath) {
    for (Resource resource : Resource.values()) {
      if (resource.apiPath().equals(apiPath)) {
        return resource.olderApiPath();
      }
    }
    return null;
  }

  private record Page(long items, String continueToken) {}

  private static Page readPage(InputStream body, ItemConsumer consumer) throws IOException {
    try (JsonParser parser = JSON.createParser(body)) {
      parser.setCodec(MAPPER);
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a Kubernetes List (expected a JSON object)");
      }
      long items = 0;
      String continueToken = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("items".equals(field) && value == JsonToken.START_ARRAY) {
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            consumer.accept(parser.readValueAsTree());
            items++;
          }
        } else if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          ObjectNode metadata = parser.readValueAsTree();
          continueToken = metadata.path("continue").asText(null);
        } else {
          parser.skipChildren();
        }
      }
      return new Page(items, continueToken);
    }
  }

  /** The API server's URL, without a trailing slash. */
  public String server() {
    return base();
  }

  /** The kubeconfig context in use, or null. */
  public String context() {
    return context;
  }

  /** The resolved client configuration, for callers that must create objects (node-file pods). */
  public Config config() {
    return config;
  }

  /** The path and query of every list request made, in order. */
  public List<String> requestLog() {
    synchronized (requestLog) {
      return List.copyOf(requestLog);
    }
  }

  private String base() {
    String master = config.getMasterUrl();
    return master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
  }

  @Override
  public void close() {
    client.close();
  }
}
