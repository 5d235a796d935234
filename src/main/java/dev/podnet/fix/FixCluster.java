package dev.podnet.fix;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The narrow view of the API server the executor works through: every read it bases a decision on
 * and every write it makes, nothing else. {@link KubernetesFixCluster} is the real one; tests use
 * an in-memory cluster with the same contract.
 *
 * <p>Every method either does what it says or throws {@link FixApiException} with the server's
 * status; none retries. Writes that must not hit a re-registered Node carry its UID as a
 * precondition.
 */
public interface FixCluster {
  /** The annotation on a Node that podnet cordoned; its value is the run id. */
  String RUN_ANNOTATION = "podnet.dev/fix-run";

  /** The label on podnet's helper pods; its value is the run id. */
  String RUN_LABEL = "podnet.dev/fix-run";

  String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  /** Where the run lock and the helper pods live. */
  String NAMESPACE = "kube-system";

  /** The Lease that makes two runs exclusive. */
  String LEASE_NAME = "podnet-fix";

  /** The Node, or empty when there is none of that name. */
  Optional<ClusterNode> node(String name) throws FixApiException;

  /** Every Node. */
  List<ClusterNode> nodes() throws FixApiException;

  /**
   * Sets {@code spec.unschedulable=true} and the {@link #RUN_ANNOTATION}, only on the Node of that
   * UID (a precondition the server checks).
   */
  void cordon(String node, String uid, String runId) throws FixApiException;

  /**
   * Sets {@code spec.unschedulable=false} and removes the {@link #RUN_ANNOTATION}; UID as above.
   */
  void uncordon(String node, String uid) throws FixApiException;

  /** Every pod bound to the node, in every namespace. */
  List<ClusterPod> podsOn(String node) throws FixApiException;

  /** Asks the Eviction API to evict the pod; the answer, whatever it is, as a value. */
  EvictionResult evict(String namespace, String name);

  /** Deletes the Node, only the one of that UID (a precondition the server checks). */
  void deleteNode(String node, String uid) throws FixApiException;

  /** Creates the pod; false when a pod of that name exists already. */
  boolean createPod(HelperPod pod) throws FixApiException;

  Optional<ClusterPod> pod(String namespace, String name) throws FixApiException;

  /** Deletes the pod at once (grace period 0). */
  void deletePod(String namespace, String name) throws FixApiException;

  /**
   * {@code namespace/name} of the DaemonSets that run a CNI agent podnet knows ({@link
   * dev.podnet.model.CniAgent#KNOWN}); empty when the cluster has none.
   */
  List<String> cniAgentDaemonSets() throws FixApiException;

  /** The run lock, or empty when no run ever took it; a released one has an empty holder. */
  Optional<LeaseRecord> lease() throws FixApiException;

  /** Creates the lock held by {@code holder}; 409 when it exists. */
  LeaseRecord createLease(String holder, Instant now, Duration duration) throws FixApiException;

  /**
   * Writes the lock; 409 when it changed since {@code lease} was read (its resource version).
   *
   * @return the lock as stored, with its new resource version
   */
  LeaseRecord updateLease(LeaseRecord lease) throws FixApiException;

  /** Whether the caller may do it (a SelfSubjectAccessReview). */
  boolean allowed(Permission permission) throws FixApiException;
}
