package dev.podnet.check;

import dev.podnet.model.ClusterModel;
import dev.podnet.model.Resource;
import dev.podnet.model.RootCause;
import dev.podnet.model.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the checks over a model and turns their findings into one {@link Diagnosis}: checks whose
 * sources are missing are skipped and say so; findings of several checks about the same cause and
 * place are merged; an unhealthy agent that a deeper cause explains is folded into that cause.
 */
public final class Diagnoser {
  /** Causes that explain an unhealthy CNI agent on the same nodes. */
  private static final Set<RootCause> EXPLAIN_AGENT =
      EnumSet.of(
          RootCause.NODE_CIDR_MISSING,
          RootCause.CIDR_CONFLICT,
          RootCause.DATASTORE_UNREACHABLE,
          RootCause.CNI_CONFIG_MISSING);

  private static final Comparator<Finding> ORDER =
      Comparator.comparing(Finding::severity)
          .thenComparing(Finding::cause)
          .thenComparing(f -> Finding.CLUSTER.equals(f.scope()) ? "" : f.scope())
          .thenComparing(Finding::title);

  private final String command;
  private final List<Check> checks;
  private final List<View> views;

  /** A diagnoser for {@code podnet diagnose}. */
  public Diagnoser(List<Check> checks) {
    this("diagnose", checks, List.of());
  }

  /**
   * A diagnoser for one command.
   *
   * @param command the command name shown in the report
   * @param views the tables the command shows beside its findings
   */
  public Diagnoser(String command, List<Check> checks, List<View> views) {
    this.command = command;
    this.checks = List.copyOf(checks);
    this.views = List.copyOf(views);
  }

  public Diagnosis diagnose(ClusterModel model) {
    return diagnose(model, List.of());
  }

  /**
   * Diagnoses the model together with findings made elsewhere about the same cluster (the node
   * folders of a snapshot), so they merge with the checks' findings on the same cause and node.
   */
  public Diagnosis diagnose(ClusterModel model, List<Finding> external) {
    List<Finding> raw = new ArrayList<>(external);
    List<Diagnosis.SkippedCheck> skipped = new ArrayList<>();
    List<Check> applicable = checks.stream().filter(c -> c.applies(model)).toList();
    for (Check check : applicable) {
      Set<Resource> missing = EnumSet.noneOf(Resource.class);
      check.requires().stream().filter(r -> !model.has(r)).forEach(missing::add);
      if (!missing.isEmpty()) {
        skipped.add(
            new Diagnosis.SkippedCheck(
                check.id(),
                "needs "
                    + String.join(", ", missing.stream().map(Resource::path).toList())
                    + ", which "
                    + (missing.size() == 1 ? "was" : "were")
                    + " not collected"));
        continue;
      }
      raw.addAll(check.run(model));
    }
    List<Finding> findings = foldAgents(merge(raw));
    findings.sort(ORDER);
    List<Table> tables =
        views.stream().map(v -> v.build(model)).filter(t -> !t.rows().isEmpty()).toList();
    return new Diagnosis(
        command,
        model.source(),
        summary(model, findings),
        findings,
        tables,
        notCollected(model, applicable),
        skipped);
  }

  /**
   * Merges findings of different checks about the same cause and scope, keeping the first's
   * wording. Findings of one check are distinct by construction and never merged with each other.
   */
  static List<Finding> merge(List<Finding> findings) {
    Map<String, Finding> byKey = new LinkedHashMap<>();
    int distinct = 0;
    for (Finding finding : findings) {
      String key = finding.cause() + "\u0000" + finding.scope();
      Finding existing = byKey.get(key);
      if (existing == null) {
        byKey.put(key, finding);
      } else if (List.of(existing.checkId().split(",")).contains(finding.checkId())) {
        byKey.put(key + "\u0000" + distinct++, finding);
      } else {
        byKey.put(key, combine(existing, finding));
      }
    }
    return new ArrayList<>(byKey.values());
  }

  /** Folds agent findings into a deeper cause that covers the same nodes. */
  static List<Finding> foldAgents(List<Finding> findings) {
    List<Finding> result = new ArrayList<>(findings);
    for (Finding agent : findings) {
      if (agent.cause() != RootCause.AGENT_NOT_READY) {
        continue;
      }
      for (int i = 0; i < result.size(); i++) {
        Finding deeper = result.get(i);
        if (EXPLAIN_AGENT.contains(deeper.cause())
            && !agent.nodes().isEmpty()
            && deeper.nodes().containsAll(agent.nodes())) {
          List<Evidence> evidence = new ArrayList<>(deeper.evidence());
          for (Evidence e : agent.evidence()) {
            if (!evidence.contains(e)) {
              evidence.add(e);
            }
          }
          result.set(
              i,
              new Finding(
                  deeper.checkId(),
                  deeper.cause(),
                  deeper.severity(),
                  deeper.scope(),
                  deeper.title(),
                  deeper.summary() + " " + agent.title() + " as a consequence.",
                  deeper.nodes(),
                  deeper.pods(),
                  evidence,
                  union(deeper.nextSteps(), agent.nextSteps())));
          result.remove(agent);
          break;
        }
      }
    }
    return result;
  }

  private static Finding combine(Finding first, Finding second) {
    Set<String> checkIds = new LinkedHashSet<>(List.of(first.checkId().split(",")));
    checkIds.add(second.checkId());
    TreeSet<String> nodes = new TreeSet<>(first.nodes());
    nodes.addAll(second.nodes());
    Map<String, AffectedPod> pods = new java.util.TreeMap<>();
    for (AffectedPod pod : first.pods()) {
      pods.put(pod.namespace() + "/" + pod.name(), pod);
    }
    for (AffectedPod pod : second.pods()) {
      pods.putIfAbsent(pod.namespace() + "/" + pod.name(), pod);
    }
    List<Evidence> evidence = new ArrayList<>(first.evidence());
    second.evidence().stream().filter(e -> !evidence.contains(e)).forEach(evidence::add);
    Severity severity =
        first.severity().compareTo(second.severity()) <= 0 ? first.severity() : second.severity();
    return new Finding(
        String.join(",", checkIds),
        first.cause(),
        severity,
        first.scope(),
        first.title(),
        first.summary(),
        List.copyOf(nodes),
        List.copyOf(pods.values()),
        evidence,
        union(first.nextSteps(), second.nextSteps()));
  }

  /** The first list's steps, then the second's that add a new command, the verification last. */
  private static List<NextStep> union(List<NextStep> first, List<NextStep> second) {
    List<NextStep> steps = new ArrayList<>();
    NextStep verify = null;
    for (NextStep step : first) {
      if (step.action().startsWith("Verify recovery")) {
        verify = verify == null ? step : verify;
      } else {
        steps.add(step);
      }
    }
    Set<String> seen = new LinkedHashSet<>();
    steps.forEach(s -> seen.add(s.command() == null ? s.action() : s.command()));
    for (NextStep step : second) {
      if (step.action().startsWith("Verify recovery")) {
        verify = verify == null ? step : verify;
      } else if (seen.add(step.command() == null ? step.action() : step.command())) {
        steps.add(step);
      }
    }
    if (verify != null) {
      steps.add(verify);
    }
    return steps;
  }

  private Diagnosis.Summary summary(ClusterModel model, List<Finding> findings) {
    Set<String> nodes = new TreeSet<>();
    findings.forEach(f -> nodes.addAll(f.nodes()));
    return new Diagnosis.Summary(
        model.nodes().size(),
        model.stuckPods().size(),
        model.sandboxFailures().size(),
        nodes.size(),
        (int) findings.stream().filter(f -> f.severity() == Severity.CRITICAL).count(),
        (int) findings.stream().filter(f -> f.severity() == Severity.WARNING).count(),
        (int) findings.stream().filter(f -> f.severity() == Severity.INFO).count());
  }

  private List<Diagnosis.NotCollected> notCollected(ClusterModel model, List<Check> checks) {
    List<Diagnosis.NotCollected> result = new ArrayList<>();
    model.notCollected().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry -> {
              Resource resource = entry.getKey();
              List<String> affected =
                  checks.stream()
                      .filter(c -> c.requires().contains(resource) || c.uses().contains(resource))
                      .map(
                          c ->
                              c.id()
                                  + (c.requires().contains(resource)
                                      ? " (skipped)"
                                      : " (ran with less evidence)"))
                      .toList();
              if (resource.optional() && affected.isEmpty()) {
                return; // a CRD of a CNI this command does not need: its absence says nothing
              }
              result.add(new Diagnosis.NotCollected(resource.path(), entry.getValue(), affected));
            });
    return result;
  }
}
