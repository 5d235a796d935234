package dev.podnet.source;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One API request with a deadline, its failures turned into one-line source errors. */
final class ApiCalls {
  private ApiCalls() {}

  /**
   * Sends a request and waits for the response head; the body streams afterwards.
   *
   * @param base the API server URL, for messages
   * @param path the request path and query, for messages
   */
  static HttpResponse<InputStream> send(
      HttpClient client, HttpRequest request, String base, String path, long timeoutSeconds)
      throws SourceException {
    try {
      return client.sendAsync(request, InputStream.class).get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException(base + path + ": interrupted", e);
    } catch (TimeoutException e) {
      throw new SourceException(
          "cannot reach the API server " + base + ": no answer within " + timeoutSeconds + " s", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      while (cause.getCause() != null && cause.getMessage() == null) {
        cause = cause.getCause();
      }
      String message =
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
      throw new SourceException(
          "cannot reach the API server " + base + ": " + KubeListReader.firstLine(message), e);
    }
  }
}
