package dev.podnet.fix;

import dev.podnet.cidr.Cidr;
import dev.podnet.cidr.IpFamily;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies a {@link FixPlan}: one node at a time, each {@link StepKind} as its Javadoc says, every
 * step journaled before and after it runs, every wait bounded, every failure a stop that leaves the
 * node as it is and says how to continue. A resumed run is the same executor started on the same
 * journal: it skips the steps the journal says are done and re-runs the rest, each of which first
 * looks at the cluster.
 *
 * <p>The executor owns its retry policy: an answer that may go away on its own (no answer, 409,
 * 429, 5xx) is retried a few times with back-off; a PodDisruptionBudget's 429 is retried until the
 * eviction timeout; anything else stops the run at once.
 */
public final class FixExecutor {
  /** Pauses the run; tests pass one that advances a virtual clock. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Consecutive retryable failures of one step before the run stops. */
  static final int ATTEMPTS = 5;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** kubectl drain waits 5 s between evictions a PodDisruptionBudget refused. */
  private static final Duration MAX_EVICTION_BACKOFF = Duration.ofSeconds(5);

  private static final String KUBELET_RESTART = "systemctl restart kubelet";

  /** How long a re-created kubelet-restart pod is given before it is started once more. */
  static final Duration RESTART_POD_RETRY = Duration.ofSeconds(30);

  private final FixCluster cluster;
  private final RunJournal journal;
  private final FixPlan plan;
  private final String runId;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Consumer<String> out;
  private final String continueCommand;
  private final RunLock lock;

  /**
   * @param out one line per event, for the person watching
   * @param continueCommand the command that resumes this run, printed when it stops
   */
  public FixExecutor(
      FixCluster cluster,
      RunJournal journal,
      Clock clock,
      Sleeper sleeper,
      Consumer<String> out,
      String continueCommand) {
    this.cluster = cluster;
    this.journal = journal;
    this.plan = journal.plan();
    this.runId = journal.runId();
    this.clock = clock;
    this.sleeper = sleeper;
    this.out = out;
    this.continueCommand = continueCommand;
    this.lock = new RunLock(cluster, runId, plan.options().leaseDuration(), clock);
  }

  /** A stop: the run cannot go on, for the reason given. */
  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;
    private final String node;
    private final String step;

    Stop(String node, String step, String message) {
      super(message);
      this.node = node;
      this.step = step;
    }
  }

  /** What a step did, for the journal. */
  private record Done(String detail, Map<String, String> facts) {
    static Done of(String detail) {
      return new Done(detail, Map.of());
    }
  }

  /** One step being run: its deadline and the count of retryable failures in a row. */
  private static final class StepRun {
    final int index;
    final NodePlan node;
    final FixStep step;
    final Instant deadline;
    final Duration timeout;
    int failures;

    /** When this process last started the kubelet-restart pod while waiting, or null. */
    Instant restartPodCreated;

    StepRun(int index, NodePlan node, FixStep step, Instant deadline, Duration timeout) {
      this.index = index;
      this.node = node;
      this.step = step;
      this.deadline = deadline;
      this.timeout = timeout;
    }

    String name() {
      return node.node();
    }

    Stop stop(String message) {
      return new Stop(node.node(), FixPlanJson.stepId(step.kind()), message);
    }
  }

  /**
   * Runs, or resumes, the plan to the end or to the first stop.
   *
   * @throws IOException when the journal cannot be written: the run stops before the step whose
   *     entry was lost
   */
  public RunOutcome run() throws IOException {
    boolean resumed = !journal.entries().isEmpty();
    journal.restart(
        entry(
            null,
            JournalEntry.RUN,
            JournalEntry.STARTED,
            resumed ? "resumed" : "started",
            Map.of("nodes", String.valueOf(plan.nodes().size()))));
    out.accept(
        (resumed ? "resuming run " : "run ")
            + runId
            + ": "
            + count(plan.nodes().size(), "node")
            + " to roll, one at a time"
            + (plan.nodes().isEmpty() ? "" : " (" + String.join(", ", nodeNames()) + ")"));
    try {
      guards();
      for (int index = 0; index < plan.nodes().size(); index++) {
        NodePlan node = plan.nodes().get(index);
        if (node.steps().stream().allMatch(s -> journal.done(node.node(), s.kind()))) {
          out.accept(node.node() + ": done earlier in this run");
          continue;
        }
        out.accept(node.node() + " (" + (index + 1) + "/" + plan.nodes().size() + "):");
        for (FixStep step : node.steps()) {
          if (!journal.done(node.node(), step.kind())) {
            runStep(index, node, step);
          }
        }
      }
    } catch (Stop stop) {
      return stopped(stop);
    }
    journal.finish(
        RunJournal.State.COMPLETE,
        entry(
            null,
            JournalEntry.RUN,
            JournalEntry.DONE,
            "every planned node rolled: " + count(plan.nodes().size(), "node"),
            Map.of()));
    releaseLock();
    out.accept("run " + runId + " complete: " + count(plan.nodes().size(), "node") + " rolled");
    return new RunOutcome(runId, RunJournal.State.COMPLETE, null, null, "", "", "");
  }

  private List<String> nodeNames() {
    return plan.nodes().stream().map(NodePlan::node).toList();
  }

  private RunOutcome stopped(Stop stop) throws IOException {
    String nodeState = stop.node == null ? "" : describe(stop.node);
    Map<String, String> facts = new LinkedHashMap<>();
    if (!nodeState.isEmpty()) {
      facts.put("nodeState", nodeState);
    }
    facts.put("continue", continueCommand);
    journal.finish(
        RunJournal.State.FAILED,
        entry(stop.node, stop.step, JournalEntry.FAILED, stop.getMessage(), facts));
    releaseLock();
    out.accept(
        "STOPPED"
            + (stop.node == null ? "" : " on " + stop.node)
            + " at "
            + stop.step
            + ": "
            + stop.getMessage());
    if (!nodeState.isEmpty()) {
      out.accept("  " + nodeState);
    }
    out.accept("  continue with: " + continueCommand);
    return new RunOutcome(
        runId,
        RunJournal.State.FAILED,
        stop.node,
        stop.step,
        stop.getMessage(),
        nodeState,
        continueCommand);
  }

  /**
   * For a run whose journal is complete already: releases the lock if the run still holds it (its
   * process ended after the journal's last entry, before the release). Touches nothing else.
   *
   * @return whether a lock this run held was released
   */
  public boolean releaseLockOfCompletedRun() {
    return releaseLock();
  }

  /** Releases the lock if this run holds it, retrying; true when it held it and let it go. */
  private boolean releaseLock() {
    for (int failures = 1; ; failures++) {
      try {
        return lock.release();
      } catch (FixApiException e) {
        if (!e.retryable() || failures >= ATTEMPTS) {
          out.accept(
              "  could not release the lock ("
                  + e.describe()
                  + "); it lapses by itself after "
                  + plan.options().leaseDuration().toSeconds()
                  + " s");
          return false;
        }
      }
      try {
        sleep(backoff(failures), null);
      } catch (Stop interrupted) {
        return false;
      }
    }
  }

  // ---- guards ------------------------------------------------------------------------------

  private void guards() throws Stop, IOException {
    try {
      checkGuards();
    } catch (RunLock.HeldElsewhere e) {
      throw new Stop(null, JournalEntry.RUN, e.getMessage());
    }
  }

  private void checkGuards() throws Stop, IOException, RunLock.HeldElsewhere {
    List<String> missing = new ArrayList<>();
    for (Permission permission : FixPermissions.REQUIRED) {
      if (!guardCall(() -> cluster.allowed(permission))) {
        missing.add(permission.describe());
      }
    }
    if (!missing.isEmpty()) {
      throw new Stop(
          null,
          JournalEntry.RUN,
          "missing permission"
              + (missing.size() == 1 ? "" : "s")
              + ": "
              + String.join(", ", missing)
              + " (deploy/rbac/podnet-fix.yaml grants exactly what the fix needs)");
    }
    LeaseRecord lease = guardCall(lock::acquire);
    journal.record(
        entry(
            null,
            JournalEntry.RUN,
            JournalEntry.DONE,
            "permissions checked; lock "
                + FixCluster.NAMESPACE
                + "/"
                + FixCluster.LEASE_NAME
                + " taken",
            Map.of("lockRenewed", lease.renewed().toString())));
    out.accept(
        "  permissions checked ("
            + FixPermissions.REQUIRED.size()
            + "); lock "
            + FixCluster.NAMESPACE
            + "/"
            + FixCluster.LEASE_NAME
            + " taken");
    List<ClusterNode> nodes = guardCall(cluster::nodes);
    for (ClusterNode node : nodes) {
      String owner = node.cordonedByRun();
      if (owner != null && !owner.equals(runId)) {
        throw new Stop(
            null,
            JournalEntry.RUN,
            "node "
                + node.name()
                + " is cordoned by podnet run "
                + owner
                + ": finish that run first (podnet fix resume "
                + owner
                + "), or uncordon the node if that run is abandoned");
      }
    }
    Map<String, ClusterNode> byName = new HashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    for (NodePlan node : plan.nodes()) {
      boolean finished = node.steps().stream().allMatch(s -> journal.done(node.node(), s.kind()));
      if (finished || journal.started(node.node(), StepKind.DELETE_NODE)) {
        continue;
      }
      ClusterNode now = byName.get(node.node());
      if (now == null) {
        throw new Stop(
            null,
            JournalEntry.RUN,
            "node "
                + node.node()
                + " of the plan no longer exists and this run did not delete it: make a new plan");
      }
      if (!now.uid().equals(node.uid())) {
        throw new Stop(
            null,
            JournalEntry.RUN,
            "Node "
                + node.node()
                + " has UID "
                + now.uid()
                + " but the plan was made for UID "
                + node.uid()
                + ": it was re-created since; make a new plan");
      }
    }
  }

  @FunctionalInterface
  private interface ApiCall<T> {
    T call() throws FixApiException, RunLock.HeldElsewhere;
  }

  /** A guard's request, retried like a step's. */
  private <T> T guardCall(ApiCall<T> call) throws Stop, RunLock.HeldElsewhere {
    int failures = 0;
    while (true) {
      try {
        return call.call();
      } catch (FixApiException e) {
        failures++;
        if (!e.retryable() || failures >= ATTEMPTS) {
          throw new Stop(
              null,
              JournalEntry.RUN,
              "cannot check the cluster before the first step: "
                  + e.describe()
                  + (e.retryable() ? " (" + failures + " attempts)" : ""));
        }
        sleep(backoff(failures), null);
      }
    }
  }

  // ---- steps -------------------------------------------------------------------------------

  private void runStep(int index, NodePlan node, FixStep step) throws Stop, IOException {
    Duration timeout = timeout(step);
    journal.record(
        entry(
            node.node(),
            FixPlanJson.stepId(step.kind()),
            JournalEntry.STARTED,
            step.action(),
            Map.of()));
    StepRun run = new StepRun(index, node, step, clock.instant().plus(timeout), timeout);
    while (true) {
      try {
        renewLock(run);
        Done done = execute(run);
        journal.record(
            entry(
                node.node(),
                FixPlanJson.stepId(step.kind()),
                JournalEntry.DONE,
                done.detail(),
                done.facts()));
        out.accept("  " + FixPlanJson.stepId(step.kind()) + ": " + done.detail());
        return;
      } catch (FixApiException e) {
        run.failures++;
        if (!e.retryable() || run.failures >= ATTEMPTS) {
          throw run.stop(
              FixPlanJson.stepId(step.kind()).replace('-', ' ')
                  + " failed: "
                  + e.describe()
                  + (e.retryable() ? " (" + run.failures + " attempts in a row)" : ""));
        }
        sleep(backoff(run.failures), run);
      }
    }
  }

  private Duration timeout(FixStep step) {
    if (step.timeout() != null && !step.timeout().isZero() && !step.timeout().isNegative()) {
      return step.timeout();
    }
    FixOptions options = plan.options();
    return switch (step.kind()) {
      case EVICT, WAIT_PODS_GONE -> options.evictionTimeout();
      case WAIT_REGISTERED, RESTART_KUBELET -> options.registerTimeout();
      case WAIT_CIDR -> options.cidrTimeout();
      case VERIFY, CANARY -> options.readyTimeout();
      default -> options.readyTimeout();
    };
  }

  private Done execute(StepRun run) throws FixApiException, Stop {
    return switch (run.step.kind()) {
      case CORDON -> cordon(run);
      case EVICT -> evict(run);
      case WAIT_PODS_GONE -> waitPodsGone(run);
      case DELETE_NODE -> deleteNode(run);
      case RESTART_KUBELET -> restartKubelet(run);
      case WAIT_REGISTERED -> waitRegistered(run);
      case RECORDON -> recordon(run);
      case WAIT_CIDR -> waitCidr(run);
      case VERIFY -> verify(run);
      case CANARY -> canary(run);
      case UNCORDON -> uncordon(run);
    };
  }

  private Done cordon(StepRun run) throws FixApiException, Stop {
    ClusterNode node =
        cluster
            .node(run.name())
            .orElseThrow(
                () ->
                    run.stop(
                        "Node "
                            + run.name()
                            + " no longer exists and this run did not delete it: make a new plan"));
    if (!node.uid().equals(run.node.uid())) {
      throw run.stop(
          "Node "
              + run.name()
              + " has UID "
              + node.uid()
              + " but the plan was made for UID "
              + run.node.uid()
              + ": it was re-created since; make a new plan");
    }
    if (node.unschedulable() && runId.equals(node.cordonedByRun())) {
      return new Done("cordoned by this run already", Map.of("oldUid", node.uid()));
    }
    refuseOtherCordons(run);
    cluster.cordon(run.name(), node.uid(), runId);
    return new Done(
        "cordoned "
            + run.name()
            + (node.unschedulable() ? " (it was cordoned already, not by podnet)" : ""),
        Map.of("oldUid", node.uid(), "oldPodCidrs", String.join(",", node.podCidrs())));
  }

  /** Never two nodes disrupted at once: no other node may carry a podnet cordon. */
  private void refuseOtherCordons(StepRun run) throws FixApiException, Stop {
    for (ClusterNode other : cluster.nodes()) {
      if (!other.name().equals(run.name()) && other.cordonedByRun() != null) {
        throw run.stop(
            "node "
                + other.name()
                + " is cordoned by podnet run "
                + other.cordonedByRun()
                + ": podnet disrupts one node at a time");
      }
    }
  }

  private Done evict(StepRun run) throws FixApiException, Stop {
    List<String> evicted = new ArrayList<>();
    Map<String, Integer> errors = new HashMap<>();
    Map<String, EvictionResult> announced = new HashMap<>();
    int rounds = 0;
    int accepted = 0;
    while (true) {
      List<ClusterPod> pods = cluster.podsOn(run.name());
      run.failures = 0;
      List<ClusterPod> pending = new ArrayList<>();
      for (ClusterPod pod : pods) {
        DrainDecision decision = decide(pod);
        if (decision == DrainDecision.REFUSE_UNREPLICATED) {
          throw run.stop(unreplicated(pod));
        }
        if (decision == DrainDecision.EVICT) {
          pending.add(pod);
        }
      }
      if (pending.isEmpty()) {
        return new Done(
            evicted.isEmpty()
                ? "no pod left to evict"
                : "evicted " + count(evicted.size(), "pod") + ": " + String.join(", ", evicted),
            evicted.isEmpty() ? Map.of() : Map.of("evicted", String.join(",", evicted)));
      }
      Map<String, EvictionResult> blocked = new LinkedHashMap<>();
      Duration asked = Duration.ZERO;
      for (ClusterPod pod : pending) {
        EvictionResult result = cluster.evict(pod.namespace(), pod.name());
        switch (result.outcome()) {
          case EVICTED -> evicted.add(pod.key());
          case NOT_FOUND -> {}
          case BLOCKED -> {
            blocked.put(pod.key(), result);
            asked = max(asked, min(result.retryAfter(), MAX_BACKOFF));
            if (!announced.containsKey(pod.key())) {
              announced.put(pod.key(), result);
              out.accept(
                  "    "
                      + pod.key()
                      + ": "
                      + blockText(pod.key(), result)
                      + "; retrying until "
                      + run.deadline);
            }
          }
          case MULTIPLE_PDBS ->
              throw run.stop(
                  "pod " + pod.key() + " cannot be evicted: " + result.message() + keptCordoned());
          case ERROR -> {
            int count = errors.merge(pod.key(), 1, Integer::sum);
            if (!result.retryable() || count >= ATTEMPTS) {
              throw run.stop(
                  "pod "
                      + pod.key()
                      + " could not be evicted: "
                      + (result.code() == 0 ? "no answer" : "HTTP " + result.code())
                      + ": "
                      + result.message()
                      + (result.retryable() ? " (" + count + " attempts)" : "")
                      + keptCordoned());
            }
            asked = max(asked, backoff(count));
          }
        }
      }
      if (blocked.isEmpty() && asked.isZero()) {
        // every pod accepted: the next listing shows them terminating; should it not, the pods
        // are polled like a wait, within the same deadline
        if (++accepted > 2) {
          if (!clock.instant().isBefore(run.deadline)) {
            throw run.stop(
                count(pending.size(), "pod")
                    + " accepted for eviction but still not terminating after "
                    + human(run.timeout)
                    + ": "
                    + String.join(", ", pending.stream().map(ClusterPod::key).toList())
                    + keptCordoned());
          }
          sleep(plan.options().pollInterval(), run);
        }
        continue;
      }
      accepted = 0;
      if (!clock.instant().isBefore(run.deadline) && !blocked.isEmpty()) {
        Map.Entry<String, EvictionResult> first = blocked.entrySet().iterator().next();
        throw run.stop(
            "pod "
                + first.getKey()
                + " was not evicted within "
                + human(run.timeout)
                + ": "
                + blockText(first.getKey(), first.getValue())
                + (blocked.size() > 1 ? " (and " + (blocked.size() - 1) + " more pods)" : "")
                + keptCordoned());
      }
      rounds++;
      Duration backoff =
          min(Duration.ofSeconds(1L << Math.min(rounds - 1, 3)), MAX_EVICTION_BACKOFF);
      Duration wait = max(asked, blocked.isEmpty() ? Duration.ZERO : backoff);
      Duration left = Duration.between(clock.instant(), run.deadline);
      if (!blocked.isEmpty() && !left.isNegative() && wait.compareTo(left) > 0) {
        wait = left;
      }
      sleep(wait, run);
    }
  }

  private String keptCordoned() {
    return "; the node stays cordoned";
  }

  private String blockText(String podKey, EvictionResult result) {
    StringBuilder text = new StringBuilder();
    text.append(result.cause().isEmpty() ? result.message() : result.cause());
    String pdb = pdbOf(podKey, result.cause());
    if (!pdb.isEmpty()) {
      text.append(" (PodDisruptionBudget ").append(pdb).append(')');
    }
    if (!result.cause().isEmpty() && !result.message().isEmpty()) {
      text.append("; the server said: ").append(result.message());
    }
    return text.toString();
  }

  /** The PDB that blocks a pod: from the plan, else from the server's cause text. */
  private String pdbOf(String podKey, String cause) {
    for (NodePlan node : plan.nodes()) {
      for (PlannedEviction pod : node.pods()) {
        if (pod.key().equals(podKey) && !pod.pdbs().isEmpty()) {
          return String.join(", ", pod.pdbs());
        }
      }
    }
    String prefix = "The disruption budget ";
    if (cause.startsWith(prefix)) {
      String rest = cause.substring(prefix.length());
      int space = rest.indexOf(' ');
      String name = space < 0 ? rest : rest.substring(0, space);
      return podKey.substring(0, podKey.indexOf('/') + 1) + name;
    }
    return "";
  }

  private DrainDecision decide(ClusterPod pod) {
    return DrainDecision.of(pod, plan.options().evictUnreplicated() || plannedEviction(pod));
  }

  private boolean plannedEviction(ClusterPod pod) {
    return plan.nodes().stream()
        .flatMap(n -> n.evictions().stream())
        .anyMatch(p -> p.key().equals(pod.key()));
  }

  private String unreplicated(ClusterPod pod) {
    return "pod "
        + pod.key()
        + " declares no controller, so nothing would recreate it elsewhere; it was not on the node"
        + " when the plan was made (cannot delete Pods that declare no controller: make a new plan"
        + " with --evict-unreplicated to evict it anyway)"
        + keptCordoned();
  }

  private Done waitPodsGone(StepRun run) throws FixApiException, Stop {
    while (true) {
      List<ClusterPod> pods = cluster.podsOn(run.name());
      run.failures = 0;
      List<String> left = new ArrayList<>();
      for (ClusterPod pod : pods) {
        DrainDecision decision = decide(pod);
        if (decision == DrainDecision.REFUSE_UNREPLICATED) {
          throw run.stop(unreplicated(pod));
        }
        if (decision == DrainDecision.EVICT) {
          // arrived after the drain (bound by name): evict it too, once per poll
          EvictionResult result = cluster.evict(pod.namespace(), pod.name());
          if (result.outcome() == EvictionResult.Outcome.MULTIPLE_PDBS
              || (result.outcome() == EvictionResult.Outcome.ERROR && !result.retryable())) {
            throw run.stop(
                "pod " + pod.key() + " could not be evicted: " + result.message() + keptCordoned());
          }
        }
        if (decision.blocksNodeDeletion()) {
          left.add(pod.key() + (pod.terminating() ? " (terminating)" : ""));
        }
      }
      if (left.isEmpty()) {
        return Done.of("no evictable pod left on " + run.name());
      }
      if (!clock.instant().isBefore(run.deadline)) {
        throw run.stop(
            count(left.size(), "pod")
                + " still on "
                + run.name()
                + " after "
                + human(run.timeout)
                + ": "
                + String.join(", ", left)
                + keptCordoned());
      }
      sleep(plan.options().pollInterval(), run);
    }
  }

  private Done deleteNode(StepRun run) throws FixApiException, Stop {
    Optional<ClusterNode> node = cluster.node(run.name());
    if (node.isEmpty()) {
      return new Done("Node " + run.name() + " is gone", Map.of("oldUid", run.node.uid()));
    }
    if (!node.get().uid().equals(run.node.uid())) {
      return new Done(
          "Node "
              + run.name()
              + " (UID "
              + run.node.uid()
              + ") is gone; a new one (UID "
              + node.get().uid()
              + ") registered already",
          Map.of("oldUid", run.node.uid(), "newUid", node.get().uid()));
    }
    List<String> left = new ArrayList<>();
    for (ClusterPod pod : cluster.podsOn(run.name())) {
      if (decide(pod).blocksNodeDeletion()) {
        left.add(pod.key());
      }
    }
    if (!left.isEmpty()) {
      throw run.stop(
          "refusing to delete Node "
              + run.name()
              + " while evictable pods remain on it: "
              + String.join(", ", left)
              + keptCordoned());
    }
    try {
      cluster.deleteNode(run.name(), run.node.uid());
    } catch (FixApiException e) {
      if (!e.notFound()) {
        throw e;
      }
    }
    return new Done(
        "deleted Node " + run.name() + " (UID " + run.node.uid() + ")",
        Map.of("oldUid", run.node.uid()));
  }

  private Done restartKubelet(StepRun run) throws FixApiException {
    Optional<ClusterNode> node = cluster.node(run.name());
    if (node.isPresent() && !node.get().uid().equals(run.node.uid())) {
      return new Done(
          "Node " + run.name() + " registered again already (UID " + node.get().uid() + ")",
          Map.of("newUid", node.get().uid()));
    }
    if (FixOptions.POD.equals(plan.options().kubeletRestart())) {
      HelperPod pod = restartPod(run);
      boolean created = cluster.createPod(pod);
      return new Done(
          (created ? "started" : "found")
              + " pod "
              + pod.namespace()
              + "/"
              + pod.name()
              + " on "
              + run.name()
              + ", which runs '"
              + KUBELET_RESTART
              + "' in the host's namespaces",
          Map.of("restartPod", pod.namespace() + "/" + pod.name()));
    }
    out.accept(
        "  >>> on "
            + run.name()
            + ", restart the kubelet so that it registers again: sudo "
            + KUBELET_RESTART
            + " (podnet waits up to "
            + human(plan.options().registerTimeout())
            + ")");
    return new Done(
        "asked for the kubelet on " + run.name() + " to be restarted: sudo " + KUBELET_RESTART,
        Map.of("command", "sudo " + KUBELET_RESTART));
  }

  HelperPod restartPod(StepRun run) {
    return new HelperPod(
        FixCluster.NAMESPACE,
        "podnet-kubelet-restart-" + RunId.suffix(runId) + "-" + (run.index + 1),
        run.name(),
        plan.options().restartImage(),
        List.of(
            "nsenter",
            "-t",
            "1",
            "-m",
            "-u",
            "-i",
            "-n",
            "-p",
            "--",
            "systemctl",
            "restart",
            "kubelet"),
        true,
        helperLabels());
  }

  private Map<String, String> helperLabels() {
    return Map.of(FixCluster.MANAGED_BY_LABEL, "podnet", FixCluster.RUN_LABEL, runId);
  }

  private Done waitRegistered(StepRun run) throws FixApiException, Stop {
    while (true) {
      Optional<ClusterNode> node = cluster.node(run.name());
      run.failures = 0;
      if (node.isPresent() && !node.get().uid().equals(run.node.uid())) {
        String removed = "";
        if (FixOptions.POD.equals(plan.options().kubeletRestart())) {
          HelperPod pod = restartPod(run);
          try {
            cluster.deletePod(pod.namespace(), pod.name());
          } catch (FixApiException e) {
            if (!e.notFound()) {
              throw e;
            }
          }
          removed = "; removed pod " + pod.namespace() + "/" + pod.name();
        }
        return new Done(
            "Node " + run.name() + " registered again with UID " + node.get().uid() + removed,
            Map.of("newUid", node.get().uid()));
      }
      if (node.isEmpty() && FixOptions.POD.equals(plan.options().kubeletRestart())) {
        recreateRestartPodIfGone(run);
      }
      if (!clock.instant().isBefore(run.deadline)) {
        String hint =
            FixOptions.POD.equals(plan.options().kubeletRestart())
                ? restartPodState(run)
                : "restart the kubelet on it (sudo " + KUBELET_RESTART + "), then continue";
        throw run.stop(
            "Node "
                + run.name()
                + " did not register again within "
                + human(run.timeout)
                + ": "
                + hint);
      }
      sleep(plan.options().pollInterval(), run);
    }
  }

  /**
   * Starts the kubelet-restart pod again when it is gone while the Node is still absent: its
   * creation may have been lost (an answer that never came back), or PodGC removed it, which
   * deletes pods bound to a Node that does not exist, before the kubelet ran it. A pod that ran
   * (Succeeded or Failed) stays as it is: its state is the evidence the stop message quotes.
   * Restarting the kubelet once more is harmless; it is tried at most once per {@link
   * #RESTART_POD_RETRY}.
   */
  private void recreateRestartPodIfGone(StepRun run) throws FixApiException {
    HelperPod pod = restartPod(run);
    if (cluster.pod(pod.namespace(), pod.name()).isPresent()) {
      return;
    }
    Instant now = clock.instant();
    if (run.restartPodCreated != null
        && now.isBefore(run.restartPodCreated.plus(RESTART_POD_RETRY))) {
      return;
    }
    run.restartPodCreated = now;
    if (cluster.createPod(pod)) {
      out.accept(
          "  the kubelet-restart pod "
              + pod.namespace()
              + "/"
              + pod.name()
              + " was gone before "
              + run.name()
              + " registered again; started it again");
    }
  }

  private String restartPodState(StepRun run) throws FixApiException {
    HelperPod pod = restartPod(run);
    Optional<ClusterPod> now = cluster.pod(pod.namespace(), pod.name());
    return now.map(
            p ->
                "the kubelet-restart pod "
                    + p.key()
                    + " is "
                    + p.phase()
                    + "; check it (kubectl -n "
                    + p.namespace()
                    + " describe pod "
                    + p.name()
                    + ") or restart the kubelet by hand")
        .orElse(
            "the kubelet-restart pod "
                + pod.namespace()
                + "/"
                + pod.name()
                + " is gone; restart the kubelet by hand (sudo "
                + KUBELET_RESTART
                + ")");
  }

  private ClusterNode newNode(StepRun run) throws FixApiException, Stop {
    ClusterNode node =
        cluster
            .node(run.name())
            .orElseThrow(
                () -> run.stop("Node " + run.name() + " is gone again after it registered"));
    if (node.uid().equals(run.node.uid())) {
      throw run.stop(
          "Node "
              + run.name()
              + " still has the planned UID "
              + node.uid()
              + ": it was not deleted");
    }
    return node;
  }

  private Done recordon(StepRun run) throws FixApiException, Stop {
    ClusterNode node = newNode(run);
    if (node.unschedulable() && runId.equals(node.cordonedByRun())) {
      return new Done("cordoned by this run already", Map.of("newUid", node.uid()));
    }
    refuseOtherCordons(run);
    cluster.cordon(run.name(), node.uid(), runId);
    return new Done(
        "cordoned the new Node " + run.name() + " until it is verified",
        Map.of("newUid", node.uid()));
  }

  private Done waitCidr(StepRun run) throws FixApiException, Stop {
    int families = (int) plan.clusterCidrs().stream().map(FixExecutor::family).distinct().count();
    int wanted = Math.max(1, families);
    while (true) {
      ClusterNode node = newNode(run);
      run.failures = 0;
      if (node.podCidrs().size() >= wanted) {
        return new Done(
            "pod CIDR " + String.join(", ", node.podCidrs()),
            Map.of("newUid", node.uid(), "podCidrs", String.join(",", node.podCidrs())));
      }
      if (!clock.instant().isBefore(run.deadline)) {
        throw run.stop(
            "Node "
                + run.name()
                + (node.podCidrs().isEmpty()
                    ? " has no pod CIDR"
                    : " has only " + String.join(", ", node.podCidrs()))
                + " "
                + human(run.timeout)
                + " after it registered: the controller-manager may have no free block left in "
                + (plan.clusterCidrs().isEmpty()
                    ? "the cluster CIDR"
                    : String.join(", ", plan.clusterCidrs()))
                + " (look for CIDRNotAvailable: kubectl get events -A --field-selector"
                + " reason=CIDRNotAvailable)"
                + keptCordoned());
      }
      sleep(plan.options().pollInterval(), run);
    }
  }

  private static IpFamily family(String cidr) {
    return Cidr.parse(cidr).family();
  }

  private Done verify(StepRun run) throws FixApiException, Stop {
    ClusterNode node = newNode(run);
    List<ClusterNode> others =
        cluster.nodes().stream().filter(n -> !n.name().equals(run.name())).toList();
    List<String> problems = cidrProblems(node.podCidrs(), plan, others);
    if (!problems.isEmpty()) {
      throw run.stop(
          "the new pod CIDR of "
              + run.name()
              + " is not valid: "
              + String.join("; ", problems)
              + keptCordoned());
    }
    String cidrText =
        String.join(", ", node.podCidrs())
            + (plan.clusterCidrs().isEmpty()
                ? ""
                : " inside " + String.join(", ", plan.clusterCidrs()))
            + ", overlapping no other node";
    List<String> agents = cluster.cniAgentDaemonSets();
    if (agents.isEmpty()) {
      return new Done(
          cidrText + "; no known CNI agent DaemonSet in the cluster to wait for",
          Map.of("podCidrs", String.join(",", node.podCidrs())));
    }
    while (true) {
      List<ClusterPod> agentPods =
          cluster.podsOn(run.name()).stream()
              .filter(p -> "DaemonSet".equals(p.ownerKind()))
              .filter(p -> agents.contains(p.namespace() + "/" + p.ownerName()))
              .toList();
      run.failures = 0;
      Optional<ClusterPod> ready = agentPods.stream().filter(ClusterPod::ready).findFirst();
      if (ready.isPresent()) {
        return new Done(
            cidrText + "; CNI agent " + ready.get().key() + " Ready",
            Map.of("podCidrs", String.join(",", node.podCidrs()), "cniAgent", ready.get().key()));
      }
      if (!clock.instant().isBefore(run.deadline)) {
        throw run.stop(
            (agentPods.isEmpty()
                    ? "no pod of " + String.join(", ", agents) + " runs on " + run.name()
                    : "CNI agent "
                        + agentPods.stream().map(ClusterPod::key).toList()
                        + " on "
                        + run.name()
                        + " is not Ready")
                + " after "
                + human(run.timeout)
                + keptCordoned());
      }
      sleep(plan.options().pollInterval(), run);
    }
  }

  /**
   * What is wrong with a node's new pod CIDRs: unparsable, outside every cluster CIDR of its
   * family, the wrong size, overlapping another node's, two of one family, or a family missing in a
   * dual-stack cluster. Empty when they are good.
   */
  static List<String> cidrProblems(List<String> podCidrs, FixPlan plan, List<ClusterNode> others) {
    List<String> problems = new ArrayList<>();
    List<Cidr> clusterCidrs = new ArrayList<>();
    for (String text : plan.clusterCidrs()) {
      clusterCidrs.add(Cidr.parse(text));
    }
    Set<IpFamily> seen = EnumSet.noneOf(IpFamily.class);
    if (podCidrs.isEmpty()) {
      problems.add("it has none");
    }
    for (String text : podCidrs) {
      Cidr cidr;
      try {
        cidr = Cidr.parse(text);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        continue;
      }
      if (!seen.add(cidr.family())) {
        problems.add("more than one " + familyName(cidr.family()) + " CIDR");
      }
      int index = -1;
      for (int i = 0; i < clusterCidrs.size(); i++) {
        if (clusterCidrs.get(i).contains(cidr)) {
          index = i;
        }
      }
      if (!clusterCidrs.isEmpty() && index < 0) {
        problems.add(text + " is outside " + String.join(", ", plan.clusterCidrs()));
      }
      if (index >= 0
          && index < plan.nodeMasks().size()
          && plan.nodeMasks().get(index) != cidr.prefixLength()) {
        problems.add(
            text
                + " is a /"
                + cidr.prefixLength()
                + ", the node mask for "
                + plan.clusterCidrs().get(index)
                + " is /"
                + plan.nodeMasks().get(index));
      }
      for (ClusterNode other : others) {
        for (String otherText : other.podCidrs()) {
          try {
            if (Cidr.parse(otherText).overlaps(cidr)) {
              problems.add(text + " overlaps " + otherText + " of node " + other.name());
            }
          } catch (IllegalArgumentException e) {
            // another node's malformed CIDR is that node's finding, not this one's
          }
        }
      }
    }
    for (Cidr clusterCidr : clusterCidrs) {
      if (!seen.contains(clusterCidr.family()) && !podCidrs.isEmpty()) {
        problems.add(
            "no "
                + familyName(clusterCidr.family())
                + " CIDR although the cluster allocates from "
                + clusterCidr);
        seen.add(clusterCidr.family());
      }
    }
    return problems;
  }

  private static String familyName(IpFamily family) {
    return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
  }

  private Done canary(StepRun run) throws FixApiException, Stop {
    if (!plan.options().canary()) {
      return Done.of("no canary asked for");
    }
    ClusterNode node = newNode(run);
    HelperPod pod =
        new HelperPod(
            FixCluster.NAMESPACE,
            "podnet-canary-" + RunId.suffix(runId) + "-" + (run.index + 1),
            run.name(),
            plan.options().canaryImage(),
            List.of(),
            false,
            helperLabels());
    cluster.createPod(pod);
    while (true) {
      Optional<ClusterPod> now = cluster.pod(pod.namespace(), pod.name());
      run.failures = 0;
      if (now.isEmpty()) {
        cluster.createPod(pod);
      } else if (!now.get().podIps().isEmpty()) {
        List<String> outside = new ArrayList<>();
        for (String ip : now.get().podIps()) {
          boolean inside = false;
          for (String cidr : node.podCidrs()) {
            try {
              inside |= Cidr.parse(cidr).contains(ip);
            } catch (IllegalArgumentException e) {
              // an unparsable CIDR was rejected by VERIFY already
            }
          }
          if (!inside) {
            outside.add(ip);
          }
        }
        deleteQuietly(pod);
        if (!outside.isEmpty()) {
          throw run.stop(
              "the canary pod got "
                  + String.join(", ", outside)
                  + ", outside the node's new pod CIDR "
                  + String.join(", ", node.podCidrs())
                  + keptCordoned());
        }
        return new Done(
            "canary pod "
                + pod.namespace()
                + "/"
                + pod.name()
                + " got "
                + String.join(", ", now.get().podIps())
                + " from "
                + String.join(", ", node.podCidrs())
                + "; removed",
            Map.of("canaryIps", String.join(",", now.get().podIps())));
      } else if ("Failed".equals(now.get().phase())) {
        deleteQuietly(pod);
        throw run.stop("the canary pod failed before it got an address" + keptCordoned());
      }
      if (!clock.instant().isBefore(run.deadline)) {
        deleteQuietly(pod);
        throw run.stop(
            "the canary pod "
                + pod.namespace()
                + "/"
                + pod.name()
                + " got no address within "
                + human(run.timeout)
                + " (kubectl -n "
                + pod.namespace()
                + " describe pod "
                + pod.name()
                + " shows why)"
                + keptCordoned());
      }
      sleep(plan.options().pollInterval(), run);
    }
  }

  private void deleteQuietly(HelperPod pod) throws FixApiException {
    try {
      cluster.deletePod(pod.namespace(), pod.name());
    } catch (FixApiException e) {
      if (!e.notFound()) {
        throw e;
      }
    }
  }

  private Done uncordon(StepRun run) throws FixApiException, Stop {
    ClusterNode node = newNode(run);
    if (runId.equals(node.cordonedByRun())) {
      cluster.uncordon(run.name(), node.uid());
      return new Done(
          "uncordoned "
              + run.name()
              + ": schedulable with pod CIDR "
              + String.join(", ", node.podCidrs()),
          Map.of("newUid", node.uid()));
    }
    if (node.unschedulable()) {
      return new Done(
          "left cordoned: cordoned by "
              + (node.cordonedByRun() == null ? "someone else" : "run " + node.cordonedByRun()),
          Map.of("newUid", node.uid()));
    }
    return new Done("schedulable already", Map.of("newUid", node.uid()));
  }

  // ---- state, time -------------------------------------------------------------------------

  /** What the node looks like now, for the person who has to decide what next. */
  private String describe(String name) {
    NodePlan planned =
        plan.nodes().stream().filter(n -> n.node().equals(name)).findFirst().orElse(null);
    try {
      Optional<ClusterNode> node = cluster.node(name);
      if (node.isEmpty()) {
        return "Node "
            + name
            + " does not exist now (deleted by this run; it comes back when its kubelet restarts)";
      }
      ClusterNode now = node.get();
      long left = cluster.podsOn(name).stream().filter(p -> decide(p).blocksNodeDeletion()).count();
      String which =
          planned == null
              ? ""
              : now.uid().equals(planned.uid()) ? " (the planned Node)" : " (re-registered)";
      String cordon =
          runId.equals(now.cordonedByRun())
              ? "cordoned by this run"
              : now.unschedulable() ? "cordoned, not by this run" : "schedulable";
      return "Node "
          + name
          + which
          + ": "
          + cordon
          + ", pod CIDR "
          + (now.podCidrs().isEmpty() ? "none" : String.join(", ", now.podCidrs()))
          + ", "
          + count(left, "evictable pod")
          + " on it";
    } catch (FixApiException e) {
      return "Node " + name + ": state unknown, the cluster did not answer (" + e.describe() + ")";
    }
  }

  private void renewLock(StepRun run) throws FixApiException, Stop {
    try {
      lock.renewIfDue();
    } catch (RunLock.HeldElsewhere e) {
      throw run.stop("lost the lock: " + e.getMessage());
    }
  }

  /** Sleeps, renewing the lock often enough that it never lapses while the run waits. */
  private void sleep(Duration duration, StepRun run) throws Stop {
    Duration left = duration;
    Duration slice = lock.renewEvery();
    while (left.compareTo(Duration.ZERO) > 0) {
      Duration now = min(left, slice);
      try {
        sleeper.sleep(now);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw run == null
            ? new Stop(null, JournalEntry.RUN, "interrupted")
            : run.stop("interrupted");
      }
      left = left.minus(now);
      if (run != null) {
        try {
          renewLock(run);
        } catch (FixApiException e) {
          // a failed renewal is retried at the next slice; the lease outlives several of them
        }
      }
    }
  }

  private static Duration backoff(int failures) {
    return min(Duration.ofSeconds(1L << Math.min(failures - 1, 4)), MAX_BACKOFF);
  }

  private JournalEntry entry(
      String node, String step, String state, String detail, Map<String, String> facts) {
    return new JournalEntry(clock.instant(), node, step, state, detail, facts);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String count(long count, String singular) {
    return count + " " + (count == 1 ? singular : singular + "s");
  }

  /** {@code 5m}, {@code 90s}, {@code 1h30m}. */
  static String human(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 3600 == 0 && seconds >= 3600) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0 && seconds >= 60) {
      return seconds / 60 + "m";
    }
    if (seconds > 3600) {
      return seconds / 3600 + "h" + (seconds % 3600) / 60 + "m";
    }
    return seconds + "s";
  }
}
