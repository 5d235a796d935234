package dev.podnet.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Injects API failures on random calls: 500, 409, 429, no answer, refused connection. A write may
 * fail before the server applied it or after (the answer lost on the way back), which is what a
 * timeout on a real network looks like.
 */
final class FaultyCluster extends ForwardingCluster {
  private static final String[][] FAULTS = {
    {"500", "injected: Internal error occurred: etcdserver: request timed out"},
    {"409", "injected: Operation cannot be fulfilled: the object has been modified"},
    {"429", "injected: Too many requests, please try again later."},
    {"0", "injected: no answer within 30 s"},
    {"0", "injected: cannot reach the API server: Connection refused"},
  };

  private enum When {
    NONE,
    BEFORE,
    AFTER
  }

  private final Random random;
  private final double rate;
  private long faults;

  FaultyCluster(FixCluster delegate, Random random, double rate) {
    super(delegate);
    this.random = random;
    this.rate = rate;
  }

  long faults() {
    return faults;
  }

  /** Whether a stop message came from an injected fault. */
  static boolean injected(String message) {
    return message.contains("injected: ");
  }

  private When draw(boolean write) {
    if (random.nextDouble() >= rate) {
      return When.NONE;
    }
    faults++;
    return write && random.nextBoolean() ? When.AFTER : When.BEFORE;
  }

  private FixApiException fault() {
    String[] fault = FAULTS[random.nextInt(FAULTS.length)];
    return new FixApiException(Integer.parseInt(fault[0]), fault[1]);
  }

  private void read() throws FixApiException {
    if (draw(false) != When.NONE) {
      throw fault();
    }
  }

  @FunctionalInterface
  private interface Write<T> {
    T run() throws FixApiException;
  }

  private <T> T write(Write<T> call) throws FixApiException {
    When when = draw(true);
    if (when == When.BEFORE) {
      throw fault();
    }
    T result = call.run();
    if (when == When.AFTER) {
      throw fault();
    }
    return result;
  }

  @Override
  public Optional<ClusterNode> node(String name) throws FixApiException {
    read();
    return super.node(name);
  }

  @Override
  public List<ClusterNode> nodes() throws FixApiException {
    read();
    return super.nodes();
  }

  @Override
  public void cordon(String node, String uid, String runId) throws FixApiException {
    write(
        () -> {
          super.cordon(node, uid, runId);
          return null;
        });
  }

  @Override
  public void uncordon(String node, String uid) throws FixApiException {
    write(
        () -> {
          super.uncordon(node, uid);
          return null;
        });
  }

  @Override
  public List<ClusterPod> podsOn(String node) throws FixApiException {
    read();
    return super.podsOn(node);
  }

  @Override
  public EvictionResult evict(String namespace, String name) {
    When when = draw(true);
    if (when == When.BEFORE) {
      FixApiException fault = fault();
      return fault.code() == 429
          ? EvictionResult.blocked(fault.getMessage(), "", Duration.ofSeconds(1))
          : EvictionResult.error(fault.code(), fault.getMessage());
    }
    EvictionResult result = super.evict(namespace, name);
    if (when == When.AFTER) {
      return EvictionResult.error(0, "injected: no answer within 30 s");
    }
    return result;
  }

  @Override
  public void deleteNode(String node, String uid) throws FixApiException {
    write(
        () -> {
          super.deleteNode(node, uid);
          return null;
        });
  }

  @Override
  public boolean createPod(HelperPod pod) throws FixApiException {
    return write(() -> super.createPod(pod));
  }

  @Override
  public Optional<ClusterPod> pod(String namespace, String name) throws FixApiException {
    read();
    return super.pod(namespace, name);
  }

  @Override
  public void deletePod(String namespace, String name) throws FixApiException {
    write(
        () -> {
          super.deletePod(namespace, name);
          return null;
        });
  }

  @Override
  public List<String> cniAgentDaemonSets() throws FixApiException {
    read();
    return super.cniAgentDaemonSets();
  }

  @Override
  public Optional<LeaseRecord> lease() throws FixApiException {
    read();
    return super.lease();
  }

  @Override
  public LeaseRecord createLease(String holder, Instant now, Duration duration)
      throws FixApiException {
    return write(() -> super.createLease(holder, now, duration));
  }

  @Override
  public LeaseRecord updateLease(LeaseRecord lease) throws FixApiException {
    return write(() -> super.updateLease(lease));
  }

  @Override
  public boolean allowed(Permission permission) throws FixApiException {
    read();
    return super.allowed(permission);
  }
}
