package dev.podnet.it.fix;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A loopback reverse proxy in front of the real API server that breaks chosen requests: podnet
 * talks plain HTTP to it (a kubeconfig pointing at {@link #url()}), it talks HTTPS to the server,
 * passing the client's bearer token on. Per a schedule of {@link Fault}s (method, path pattern,
 * which occurrence) it answers 500, 409 or 429 (a {@code Status} body and {@code Retry-After}), or
 * holds the request past the client's timeout and then drops the connection, either before
 * forwarding it ({@link Kind#TIMEOUT_BEFORE}: the server never saw it) or after ({@link
 * Kind#TIMEOUT_AFTER}: the server did it, the client never learns). Every request is logged.
 *
 * <p>Before a request is forwarded, {@link Guard}s may check an invariant against the cluster as it
 * is at that instant (e.g. no evictable pod on a Node about to be deleted); what they report is
 * kept in {@link #violations()}.
 */
public final class FaultProxy implements AutoCloseable {

  /** What the proxy does to a request that a fault matches. */
  public enum Kind {
    HTTP_500,
    HTTP_409,
    HTTP_429,
    TIMEOUT_BEFORE,
    TIMEOUT_AFTER
  }

  /**
   * One fault: the {@code occurrence}-th request (1-based) whose method is {@code method} and whose
   * path (without query) matches {@code path} gets {@code kind}.
   */
  public record Fault(String method, Pattern path, int occurrence, Kind kind) {
    public boolean matches(String requestMethod, String requestPath) {
      return method.equals(requestMethod) && path.matcher(requestPath).matches();
    }

    @Override
    public String toString() {
      return kind + " on " + method + " " + path.pattern() + " #" + occurrence;
    }
  }

  /** One request as the proxy saw it. */
  public record Exchange(
      long sequence, Instant at, String method, String path, int status, Kind injected) {}

  /** Checks an invariant before a request is forwarded; returns the violations, or none. */
  @FunctionalInterface
  public interface Guard {
    List<String> check(String method, String path, byte[] body);
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "http2-settings",
          "keep-alive",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private final URI upstream;
  private final HttpServer server;
  private final HttpClient client;
  private final ExecutorService executor;
  private final AtomicLong sequence = new AtomicLong();
  private final List<Exchange> log = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Guard> guards = new CopyOnWriteArrayList<>();
  private final Map<Kind, Integer> injected =
      Collections.synchronizedMap(new EnumMap<>(Kind.class));
  private volatile Duration hold;
  private List<Fault> faults = List.of();
  private int[] seen = new int[0];

  /**
   * @param upstream the API server, {@code https://127.0.0.1:PORT}
   * @param hold how long a timeout fault holds a request before it drops the connection: longer
   *     than the client's request timeout
   */
  public FaultProxy(String upstream, Duration hold) throws IOException {
    this.upstream = URI.create(upstream.endsWith("/") ? upstream : upstream + "/");
    this.hold = hold;
    this.executor = Executors.newCachedThreadPool(r -> daemon(r, "fault-proxy"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(trustAll())
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newCachedThreadPool(r -> daemon(r, "fault-proxy-upstream")))
            .build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  /** {@code http://127.0.0.1:PORT}: where podnet's kubeconfig points. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Replaces the schedule (occurrence counters start again) and forgets the log. */
  public synchronized void schedule(List<Fault> newFaults) {
    faults = List.copyOf(newFaults);
    seen = new int[faults.size()];
    log.clear();
  }

  public void setHold(Duration hold) {
    this.hold = hold;
  }

  public void addGuard(Guard guard) {
    guards.add(guard);
  }

  /** Every request since the last {@link #schedule}. */
  public List<Exchange> log() {
    return List.copyOf(log);
  }

  /** Every invariant violation a guard reported, ever. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** Faults injected since the proxy started, by kind. */
  public Map<Kind, Integer> injected() {
    synchronized (injected) {
      return Map.copyOf(injected);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------------------

  private synchronized Kind faultFor(String method, String path) {
    Kind kind = null;
    for (int i = 0; i < faults.size(); i++) {
      Fault fault = faults.get(i);
      if (fault.matches(method, path)) {
        seen[i]++;
        if (seen[i] == fault.occurrence() && kind == null) {
          kind = fault.kind();
        }
      }
    }
    return kind;
  }

  private void handle(HttpExchange exchange) throws IOException {
    long number = sequence.incrementAndGet();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    URI uri = exchange.getRequestURI();
    String path = uri.getRawPath();
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    Kind fault = faultFor(method, path);
    if (fault != null) {
      injected.merge(fault, 1, Integer::sum);
    }
    try {
      if (fault == Kind.TIMEOUT_BEFORE) {
        log.add(new Exchange(number, Instant.now(), method, path, 0, fault));
        holdThenDrop(exchange);
        return;
      }
      if (fault == Kind.HTTP_500 || fault == Kind.HTTP_409 || fault == Kind.HTTP_429) {
        log.add(new Exchange(number, Instant.now(), method, path, code(fault), fault));
        reply(exchange, fault);
        return;
      }
      for (Guard guard : guards) {
        for (String violation : guard.check(method, path, body)) {
          violations.add(Instant.now() + " " + method + " " + path + ": " + violation);
        }
      }
      HttpResponse<byte[]> response = forward(exchange, method, uri, body);
      log.add(new Exchange(number, Instant.now(), method, path, response.statusCode(), fault));
      if (fault == Kind.TIMEOUT_AFTER) {
        holdThenDrop(exchange);
        return;
      }
      response
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, new ArrayList<>(values));
                }
              });
      byte[] answer = response.body();
      boolean noBody = answer.length == 0 || "HEAD".equals(method);
      exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : answer.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
      }
      exchange.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    } catch (IOException e) {
      // the upstream failed: tell the client the way a load balancer would
      log.add(new Exchange(number, Instant.now(), method, path, 502, fault));
      byte[] text = ("proxy: upstream failed: " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(502, text.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(text);
      }
      exchange.close();
    }
  }

  private HttpResponse<byte[]> forward(HttpExchange exchange, String method, URI uri, byte[] body)
      throws IOException, InterruptedException {
    String target = uri.getRawPath().substring(1);
    if (uri.getRawQuery() != null) {
      target += "?" + uri.getRawQuery();
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(upstream.resolve(target))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                for (String value : values) {
                  request.header(name, value);
                }
              }
            });
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Holds the request past the client's timeout, then drops the connection without an answer. */
  private void holdThenDrop(HttpExchange exchange) throws InterruptedException {
    Thread.sleep(hold.toMillis());
    // closing before any response header closes the connection: no status line at all
    exchange.close();
  }

  private static int code(Kind kind) {
    return switch (kind) {
      case HTTP_500 -> 500;
      case HTTP_409 -> 409;
      case HTTP_429 -> 429;
      default -> throw new IllegalArgumentException(kind.name());
    };
  }

  private static void reply(HttpExchange exchange, Kind kind) throws IOException {
    int code = code(kind);
    String reason =
        switch (kind) {
          case HTTP_500 -> "InternalError";
          case HTTP_409 -> "Conflict";
          default -> "TooManyRequests";
        };
    String message =
        switch (kind) {
          case HTTP_500 -> "Internal error occurred: injected by the fault proxy";
          case HTTP_409 ->
              "Operation cannot be fulfilled: the object has been modified; please apply your"
                  + " changes to the latest version and try again (injected by the fault proxy)";
          default -> "Too many requests, please try again later (injected by the fault proxy)";
        };
    String json =
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\""
            + message
            + "\",\"reason\":\""
            + reason
            + "\",\"code\":"
            + code
            + (kind == Kind.HTTP_429 ? ",\"details\":{\"retryAfterSeconds\":1}" : "")
            + "}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    if (kind == Kind.HTTP_429) {
      exchange.getResponseHeaders().add("Retry-After", "1");
    }
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
    exchange.close();
  }

  private static SSLContext trustAll() {
    // the test server's certificate is self-signed for 127.0.0.1: trust it, as the kubeconfig
    // written by scripts/apiserver.sh does (insecure-skip-tls-verify)
    TrustManager trustAll =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkClientTrusted(
              X509Certificate[] chain, String authType, java.net.Socket socket) {}

          @Override
          public void checkServerTrusted(
              X509Certificate[] chain, String authType, java.net.Socket socket) {}

          @Override
          public void checkClientTrusted(
              X509Certificate[] chain, String authType, SSLEngine engine) {}

          @Override
          public void checkServerTrusted(
              X509Certificate[] chain, String authType, SSLEngine engine) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
