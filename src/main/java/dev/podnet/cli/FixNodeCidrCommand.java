package dev.podnet.cli;

import dev.podnet.fix.DrainFacts;
import dev.podnet.fix.DrainFactsReader;
import dev.podnet.fix.DurationText;
import dev.podnet.fix.FixOptions;
import dev.podnet.fix.FixPlan;
import dev.podnet.fix.FixPlanJson;
import dev.podnet.fix.FixPlanner;
import dev.podnet.model.ClusterModel;
import dev.podnet.report.FixPlanRenderer;
import dev.podnet.source.ClusterSource;
import dev.podnet.source.ModelBuilder;
import dev.podnet.source.SourceException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code podnet fix node-cidr}: plans (and with {@code --apply} runs) the roll of nodes whose pod
 * CIDR only re-registration can change.
 */
@Command(
    name = "node-cidr",
    mixinStandardHelpOptions = true,
    description = {
      "Plans the seed runbook for nodes that lost their pod CIDR or hold a wrong one (outside the",
      "cluster CIDR, wrong mask, a family missing, overlapping): cordon, drain through the Eviction",
      "API, delete the Node, restart the kubelet, wait for a fresh CIDR, verify, uncordon; one",
      "node at a time. Refuses managed node groups, an exhausted pool, missing capacity and",
      "pods a drain cannot move. Prints the plan; changes nothing without --apply."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:a plan with no refusal, or nothing to fix",
      "1:some nodes refused, the others planned",
      "2:everything selected was refused",
      "3:usage error",
      "4:the source or the plan file could not be read"
    })
final class FixNodeCidrCommand implements Callable<Integer> {
  /** The canary image when {@code --canary} is given without {@code --canary-image}. */
  static final String DEFAULT_CANARY_IMAGE = "registry.k8s.io/pause:3.9";

  /** Options that the plan saves; with {@code --plan} they come from the file. */
  private static final List<String> PLANNING_OPTIONS =
      List.of(
          "--node",
          "--all-drifted",
          "--snapshot",
          "--allow-managed-nodes",
          "--evict-unreplicated",
          "--kubelet-restart",
          "--restart-image",
          "--canary",
          "--canary-image",
          "--eviction-timeout",
          "--register-timeout",
          "--cidr-timeout",
          "--ready-timeout",
          "--poll-interval",
          "--lease-duration");

  @Mixin SourceOptions source;
  @Mixin OutputOptions output;
  @Spec CommandSpec spec;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "A node to fix (repeatable). A node with nothing to fix is refused.")
  List<String> nodes = new ArrayList<>();

  @Option(
      names = "--all-drifted",
      description = "Every node 'podnet cidr' finds a pod CIDR problem on.")
  boolean allDrifted;

  @Option(
      names = "--plan",
      paramLabel = "FILE",
      description = "Use a saved plan (--save-plan, or -o json output) instead of planning.")
  Path planFile;

  @Option(names = "--save-plan", paramLabel = "FILE", description = "Write the plan as JSON.")
  Path savePlan;

  @Option(
      names = "--allow-managed-nodes",
      description = "Roll nodes of managed node groups (EKS, Karpenter, GKE, AKS) too.")
  boolean allowManagedNodes;

  @Option(
      names = "--evict-unreplicated",
      description = "Evict pods that declare no controller (kubectl drain --force).")
  boolean evictUnreplicated;

  @Option(
      names = "--kubelet-restart",
      paramLabel = "manual|pod",
      description =
          "How the kubelet is restarted: print the command and wait (manual, default), or run a"
              + " short-lived privileged pod on the node (pod).")
  String kubeletRestart = FixOptions.MANUAL;

  @Option(
      names = "--restart-image",
      paramLabel = "IMAGE",
      description = "Image of the kubelet-restart pod, with nsenter (default: ${DEFAULT-VALUE}).")
  String restartImage = FixOptions.defaults().restartImage();

  @Option(
      names = "--canary",
      description = "After the new CIDR, run a canary pod on the node and check its IP.")
  boolean canary;

  @Option(
      names = "--canary-image",
      paramLabel = "IMAGE",
      description =
          "Image of the canary pod (implies --canary; default: " + DEFAULT_CANARY_IMAGE + ").")
  String canaryImage;

  @Option(
      names = "--eviction-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long evictions and pod termination may take per node (default: 5m).")
  Duration evictionTimeout = FixOptions.defaults().evictionTimeout();

  @Option(
      names = "--register-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long the node may take to register again (default: 10m).")
  Duration registerTimeout = FixOptions.defaults().registerTimeout();

  @Option(
      names = "--cidr-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long the controller-manager may take to assign a CIDR (default: 2m).")
  Duration cidrTimeout = FixOptions.defaults().cidrTimeout();

  @Option(
      names = "--ready-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long the CNI agent, restart and canary pods may take (default: 5m).")
  Duration readyTimeout = FixOptions.defaults().readyTimeout();

  @Option(
      names = "--poll-interval",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often waits look at the cluster (default: 2s).")
  Duration pollInterval = FixOptions.defaults().pollInterval();

  @Option(
      names = "--lease-duration",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Lifetime of the cluster-wide lock of a run (default: 1m).")
  Duration leaseDuration = FixOptions.defaults().leaseDuration();

  @Option(
      names = "--journal-dir",
      paramLabel = "DIR",
      description = "Where --apply keeps the journal of the run (default: ${DEFAULT-VALUE}).")
  Path journalDir = Path.of(System.getProperty("user.home"), ".podnet", "runs");

  @Option(names = "--apply", description = "Carry the plan out (needs the live cluster).")
  boolean apply;

  /** Parses {@code 200ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1m30s}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration duration;
      try {
        duration = DurationText.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      if (duration.isZero()) {
        throw new TypeConversionException("'" + value + "': a duration must be longer than 0");
      }
      return duration;
    }
  }

  @Override
  public Integer call() throws IOException {
    FixPlan plan = planFile != null ? loadPlan() : makePlan();
    if (savePlan != null) {
      try {
        FixPlanJson.save(plan, savePlan);
      } catch (IOException e) {
        throw new UserError(savePlan + ": cannot write the plan: " + e.getMessage(), Main.USAGE);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    FixPlanRenderer.render(plan, output.format(), out, output.color());
    out.flush();
    if (apply) {
      return apply(plan);
    }
    return exitCode(plan);
  }

  /** 0 without refusals, 1 when some nodes were refused and others planned, 2 otherwise. */
  static int exitCode(FixPlan plan) {
    if (plan.refusals().isEmpty()) {
      return 0;
    }
    return plan.hasWork() ? 1 : 2;
  }

  private FixPlan loadPlan() {
    for (String option : PLANNING_OPTIONS) {
      if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new UserError(
            option
                + " cannot be combined with --plan: the plan holds its nodes and options"
                + " (plan again to change them)",
            Main.USAGE);
      }
    }
    try {
      return FixPlanJson.load(planFile);
    } catch (FixPlanJson.UnreadablePlan e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
  }

  private FixPlan makePlan() {
    if (nodes.isEmpty() == !allDrifted) {
      throw new UserError(
          allDrifted
              ? "--node and --all-drifted cannot be combined"
              : "name the nodes to fix: --node NAME (repeatable) or --all-drifted",
          Main.USAGE);
    }
    if (apply && source.snapshot != null) {
      throw new UserError(
          "--apply needs the live cluster, not --snapshot: save the plan with --save-plan, then"
              + " run --plan FILE --apply against the cluster",
          Main.USAGE);
    }
    if (!FixOptions.MANUAL.equals(kubeletRestart) && !FixOptions.POD.equals(kubeletRestart)) {
      throw new UserError(
          "--kubelet-restart must be manual or pod, not '" + kubeletRestart + "'", Main.USAGE);
    }
    output.format();
    FixOptions options =
        new FixOptions(
            kubeletRestart,
            restartImage,
            canary || canaryImage != null
                ? (canaryImage != null ? canaryImage : DEFAULT_CANARY_IMAGE)
                : null,
            allowManagedNodes,
            evictionTimeout,
            registerTimeout,
            cidrTimeout,
            readyTimeout,
            pollInterval,
            leaseDuration,
            evictUnreplicated);
    FixPlanner.Request request = new FixPlanner.Request(nodes, allDrifted, options);
    try {
      // two passes over the source: the model, then only the pods of the nodes to drain
      ClusterModel model;
      try (ClusterSource clusterSource = source.open()) {
        model = ModelBuilder.build(clusterSource);
      }
      Set<String> toDrain = FixPlanner.nodesToDrain(model, request);
      DrainFacts facts = DrainFacts.none();
      if (!toDrain.isEmpty()) {
        try (ClusterSource clusterSource = source.open()) {
          facts = DrainFactsReader.read(clusterSource, toDrain);
        }
      }
      return new FixPlanner(Clock.systemUTC()).plan(model, facts, request);
    } catch (SourceException e) {
      throw new UserError(e.getMessage(), Main.SOURCE_UNREADABLE);
    }
  }

  /** Runs the plan against the live cluster: the executor's part. */
  private int apply(FixPlan plan) {
    if (source.snapshot != null) {
      throw new UserError("--apply needs the live cluster, not --snapshot", Main.USAGE);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!plan.hasWork()) {
      out.println();
      out.println("nothing to apply: the plan has no node to roll");
      return exitCode(plan);
    }
    boolean journalDirGiven = spec.commandLine().getParseResult().hasMatchedOption("--journal-dir");
    return FixRuns.start(
        plan,
        journalDirGiven ? journalDir : dev.podnet.fix.RunJournal.defaultRoot(),
        journalDirGiven,
        source.cluster.connection(),
        out);
  }
}
