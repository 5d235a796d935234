package dev.podnet.source;

import dev.podnet.model.Resource;
import dev.podnet.model.SourceInfo;
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
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live cluster, read like kubectl reads it: kubeconfig ({@code --kubeconfig}, {@code
 * KUBECONFIG}, {@code ~/.kube/config}) with an optional context, or the in-cluster service account.
 * Lists are paged with {@code limit}/{@code continue} and narrowed with server-side field
 * selectors; every page is streamed through the same {@link KubeListReader} as snapshot files, so
 * no fabric8 model class is ever loaded and the number of requests is the number of pages.
 */
public final class LiveSource implements ClusterSource {
  /** The page size kubectl uses by default. */
  public static final int DEFAULT_PAGE_SIZE = 500;

  private final Config config;
  private final String context;
  private final int pageSize;
  private final long timeoutSeconds;
  private final AtomicInteger requests = new AtomicInteger();
  private final List<String> requestLog = new ArrayList<>();

  private LiveSource(Config config, String context, int pageSize, long timeoutSeconds) {
    this.config = config;
    this.context = context;
    this.pageSize = pageSize;
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * Connects as kubectl would.
   *
   * @param kubeconfig an explicit kubeconfig file, or null for KUBECONFIG / ~/.kube/config /
   *     in-cluster
   * @param context a kubeconfig context, or null for the current one
   */
  public static LiveSource connect(
      String kubeconfig, String context, int pageSize, long timeoutSeconds) throws SourceException {
    Config config = KubeConfigs.resolve(kubeconfig, context, pageSize, " or --snapshot");
    return new LiveSource(config, context, pageSize, timeoutSeconds);
  }

  /** Uses an already resolved client configuration (tests, in-cluster callers). */
  public static LiveSource of(Config config, int pageSize, long timeoutSeconds) {
    return new LiveSource(config, null, pageSize, timeoutSeconds);
  }

  @Override
  public Map<Resource, String> read(Collection<ListQuery> queries, ItemSink sink)
      throws SourceException {
    Map<Resource, String> missing = new EnumMap<>(Resource.class);
    try (HttpClient client = HttpClientUtils.createHttpClient(config)) {
      for (ListQuery query : queries) {
        List<String> selectors =
            query.fieldSelectors().isEmpty() ? List.of("") : query.fieldSelectors();
        for (String selector : selectors) {
          String forbidden = listAll(client, query, selector, sink);
          if (forbidden != null) {
            missing.put(query.resource(), forbidden);
            break;
          }
        }
      }
    }
    return missing;
  }

  /** Reads every page of one list; returns why it could not be read when access was denied. */
  private String listAll(HttpClient client, ListQuery query, String selector, ItemSink sink)
      throws SourceException {
    Resource resource = query.resource();
    String apiPath = resource.apiPath();
    String continueToken = null;
    boolean retryOlder;
    do {
      retryOlder = false;
      StringBuilder url = new StringBuilder(base()).append(apiPath);
      url.append("?limit=").append(pageSize);
      if (!selector.isEmpty()) {
        url.append("&fieldSelector=").append(encode(selector));
      }
      if (continueToken != null) {
        url.append("&continue=").append(encode(continueToken));
      }
      String path = url.substring(base().length());
      HttpRequest request =
          client
              .newHttpRequestBuilder()
              .uri(url.toString())
              .header("Accept", "application/json")
              .build();
      requests.incrementAndGet();
      synchronized (requestLog) {
        requestLog.add(path);
      }
      HttpResponse<InputStream> response =
          ApiCalls.send(client, request, base(), path, timeoutSeconds);
      try (InputStream body = new BufferedInputStream(response.body(), 1 << 16)) {
        int code = response.code();
        if (code == 401) {
          throw new SourceException(
              base() + ": the API server rejected the credentials (HTTP 401 Unauthorized)");
        }
        if (code == 403) {
          String reason =
              KubeListReader.firstLine(new String(body.readNBytes(512), StandardCharsets.UTF_8));
          return "the API server refused to list "
              + resource.plural()
              + " (HTTP "
              + code
              + "): "
              + statusMessage(reason);
        }
        if (code == 404
            && continueToken == null
            && resource.olderApiPath() != null
            && !apiPath.equals(resource.olderApiPath())) {
          // an older server: the same list under its older API version
          apiPath = resource.olderApiPath();
          retryOlder = true;
          continue;
        }
        if (code == 404 && resource.optional()) {
          return "the API server does not serve " + resource.plural() + " (not installed)";
        }
        if (code == 410) {
          throw new SourceException(
              base()
                  + path
                  + ": the list changed while paging (410 Gone, continue token expired); run again");
        }
        if (code != 200) {
          String reason = new String(body.readNBytes(512), StandardCharsets.UTF_8);
          throw new SourceException(
              base()
                  + path
                  + ": HTTP "
                  + code
                  + ": "
                  + statusMessage(KubeListReader.firstLine(reason)));
        }
        KubeListReader.ListInfo info =
            KubeListReader.read(
                body,
                base() + path,
                resource.kind(),
                query.selection(),
                item -> sink.accept(resource, item));
        continueToken = info.continueToken();
        if (continueToken != null && continueToken.isEmpty()) {
          continueToken = null;
        }
      } catch (IOException e) {
        throw new SourceException(base() + path + ": " + e.getMessage(), e);
      }
    } while (continueToken != null || retryOlder);
    return null;
  }

  /** The {@code message} of a Kubernetes Status body, or the body itself. */
  private static String statusMessage(String body) {
    int at = body.indexOf("\"message\":\"");
    if (at < 0) {
      return body.strip();
    }
    int start = at + "\"message\":\"".length();
    int end = body.indexOf('"', start);
    return end < 0 ? body.substring(start) : body.substring(start, end);
  }

  private String base() {
    String master = config.getMasterUrl();
    return master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** How many HTTP requests this source has made. */
  public int requests() {
    return requests.get();
  }

  /** The path and query of every request made, in order. */
  public List<String> requestLog() {
    synchronized (requestLog) {
      return List.copyOf(requestLog);
    }
  }

  @Override
  public SourceInfo info() {
    String current = context;
    if (current == null && config.getCurrentContext() != null) {
      current = config.getCurrentContext().getName();
    }
    return new SourceInfo("live", base(), current, null);
  }
}
