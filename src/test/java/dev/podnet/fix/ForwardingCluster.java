package dev.podnet.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A {@link FixCluster} that passes every call on; tests override the calls they watch. */
class ForwardingCluster implements FixCluster {
  private final FixCluster delegate;

  ForwardingCluster(FixCluster delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<ClusterNode> node(String name) throws FixApiException {
    return delegate.node(name);
  }

  @Override
  public List<ClusterNode> nodes() throws FixApiException {
    return delegate.nodes();
  }

  @Override
  public void cordon(String node, String uid, String runId) throws FixApiException {
    delegate.cordon(node, uid, runId);
  }

  @Override
  public void uncordon(String node, String uid) throws FixApiException {
    delegate.uncordon(node, uid);
  }

  @Override
  public List<ClusterPod> podsOn(String node) throws FixApiException {
    return delegate.podsOn(node);
  }

  @Override
  public EvictionResult evict(String namespace, String name) {
    return delegate.evict(namespace, name);
  }

  @Override
  public void deleteNode(String node, String uid) throws FixApiException {
    delegate.deleteNode(node, uid);
  }

  @Override
  public boolean createPod(HelperPod pod) throws FixApiException {
    return delegate.createPod(pod);
  }

  @Override
  public Optional<ClusterPod> pod(String namespace, String name) throws FixApiException {
    return delegate.pod(namespace, name);
  }

  @Override
  public void deletePod(String namespace, String name) throws FixApiException {
    delegate.deletePod(namespace, name);
  }

  @Override
  public List<String> cniAgentDaemonSets() throws FixApiException {
    return delegate.cniAgentDaemonSets();
  }

  @Override
  public Optional<LeaseRecord> lease() throws FixApiException {
    return delegate.lease();
  }

  @Override
  public LeaseRecord createLease(String holder, Instant now, Duration duration)
      throws FixApiException {
    return delegate.createLease(holder, now, duration);
  }

  @Override
  public LeaseRecord updateLease(LeaseRecord lease) throws FixApiException {
    return delegate.updateLease(lease);
  }

  @Override
  public boolean allowed(Permission permission) throws FixApiException {
    return delegate.allowed(permission);
  }
}
