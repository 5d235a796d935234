package dev.podnet.it.fix;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A simulated cluster component: one step every period on its own daemon thread and its own client,
 * carrying on after an API error (kept for the test to look at), until closed.
 */
abstract class ClusterLoop implements AutoCloseable {
  protected final KubernetesClient client;
  private final Duration period;
  private final Thread thread;
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean running = true;

  /**
   * @param client the component's own client; closed by {@link #close()}
   */
  ClusterLoop(KubernetesClient client, Duration period, String threadName) {
    this.client = client;
    this.period = period;
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
  }

  /** One step of the component; an exception is recorded and the loop goes on. */
  protected abstract void step();

  protected void startLoop() {
    thread.start();
  }

  /** Records an unexpected state the step met. */
  protected void error(String message) {
    errors.add(message);
  }

  /** Unexpected API errors and states the loop met (it carries on after each). */
  public List<String> errors() {
    synchronized (errors) {
      return List.copyOf(errors);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    client.close();
  }

  private void loop() {
    while (running) {
      try {
        step();
      } catch (KubernetesClientException e) {
        if (running) {
          errors.add(Instant.now() + " " + e.getCode() + " " + e.getMessage());
        }
      } catch (RuntimeException e) {
        if (running) {
          errors.add(Instant.now() + " " + e);
        }
      }
      try {
        Thread.sleep(period.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
