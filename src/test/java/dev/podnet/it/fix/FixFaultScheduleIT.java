package dev.podnet.it.fix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.podnet.it.RealApiServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomised, seeded fault schedules against the real API server: for each schedule a fresh pair of
 * drifted nodes (and a healthy one) is planned, then the plan is applied by a real podnet process
 * talking through {@link FaultProxy}, which answers chosen requests with 500, 409 or 429, or holds
 * them past the client's timeout (before or after the server acted), while the process is killed
 * with SIGKILL when the journal shows a chosen step started or done, or at a random moment. Every
 * stopped or killed run is continued with {@code podnet fix resume RUN} until it completes.
 *
 * <p>Each schedule asserts the invariants (the proxy's guards and the node observer: never a Node
 * deleted with an evictable pod on it, never two nodes cordoned) and that the run ends in the same
 * state as a run without faults ({@link FixScenario#expectedEnd()}): exactly the planned nodes
 * re-registered, once each, every node schedulable with a CIDR inside the cluster CIDR, every pod
 * running, the journal complete, the lock free, no helper pod left.
 *
 * <p>{@code -Dpodnet.fault.schedules=N} runs N schedules (default {@value #DEFAULT_SCHEDULES},
 * about four minutes here); {@code -Dpodnet.fault.seed=S} sets the first seed (schedule i uses
 * S+i). A failing schedule prints its seed and the command that replays it alone. The figures are
 * printed and written to {@code fault-schedules.txt} in the build directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FixFaultScheduleIT {
  static final int DEFAULT_SCHEDULES = 10;

  /** Faults in a row in a burst: more than the executor's attempts at one request (5). */
  private static final int BURST = 6;

  private static final long DEFAULT_SEED = 20261202L;
  private static final int MAX_ATTEMPTS = 10;
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
  private static final int MAX_FAILED_SCHEDULES = 3;

  /** podnet's {@code --request-timeout}; a timeout fault holds a request a second longer. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** Requests the executor makes, with how many of them a run makes at most (roughly). */
  private record Target(String method, Pattern path, int occurrences) {}

  private static final List<Target> TARGETS =
      List.of(
          new Target("GET", Pattern.compile("/api/v1/nodes/[^/]+"), 40),
          new Target("GET", Pattern.compile("/api/v1/nodes"), 12),
          new Target("PATCH", Pattern.compile("/api/v1/nodes/[^/]+"), 6),
          new Target("DELETE", Pattern.compile("/api/v1/nodes/[^/]+"), 2),
          new Target("GET", Pattern.compile("/api/v1/pods"), 30),
          new Target("POST", Pattern.compile("/api/v1/namespaces/[^/]+/pods/[^/]+/eviction"), 5),
          new Target("POST", Pattern.compile("/api/v1/namespaces/kube-system/pods"), 2),
          new Target("GET", Pattern.compile("/api/v1/namespaces/kube-system/pods/[^/]+"), 4),
          new Target("DELETE", Pattern.compile("/api/v1/namespaces/kube-system/pods/[^/]+"), 2),
          new Target("GET", Pattern.compile("/apis/apps/v1/daemonsets"), 2),
          new Target(
              "GET",
              Pattern.compile(
                  "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/podnet-fix"),
              4),
          new Target(
              "PUT",
              Pattern.compile(
                  "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/podnet-fix"),
              4),
          new Target(
              "POST",
              Pattern.compile("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"),
              1),
          new Target(
              "POST",
              Pattern.compile("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"),
              13));

  /** Where to kill the process: at a journal entry, or after a delay. */
  private record KillPoint(String node, String step, String state, long delayMillis) {
    static KillPoint at(String node, String step, String state) {
      return new KillPoint(node, step, state, -1);
    }

    static KillPoint after(long millis) {
      return new KillPoint(null, null, null, millis);
    }

    @Override
    public String toString() {
      return delayMillis >= 0
          ? "kill after " + delayMillis + " ms"
          : "kill at " + node + " " + step + " " + state;
    }
  }

  /** The figures of a whole run of schedules. */
  private static final class Figures {
    int schedules;
    int passed;
    int kills;
    int stopsContinued;
    int resumes;
    int restartsFromScratch;
    long journalReads;
    final Map<FaultProxy.Kind, Integer> faults = new EnumMap<>(FaultProxy.Kind.class);
    final List<String> violations = new ArrayList<>();
    final Set<FixScenario.EndState> endStates = new LinkedHashSet<>();
    final List<String> failures = new ArrayList<>();
    long millis;

    String text() {
      int injected = faults.values().stream().mapToInt(Integer::intValue).sum();
      return "schedules run: "
          + schedules
          + " (passed "
          + passed
          + ")\nfaults injected: "
          + injected
          + " "
          + faults
          + "\nprocess kills (SIGKILL): "
          + kills
          + "\nruns stopped by a fault and continued: "
          + stopsContinued
          + "\nfix resume invocations: "
          + resumes
          + "\napply started again (killed before the journal existed): "
          + restartsFromScratch
          + "\njournal reads while running (never torn): "
          + journalReads
          + "\ninvariant violations: "
          + violations.size()
          + "\ndistinct end states: "
          + endStates.size()
          + "\nwall time: "
          + millis / 1000
          + " s ("
          + (schedules == 0 ? 0 : millis / schedules / 1000)
          + " s per schedule)"
          + (failures.isEmpty() ? "" : "\nFAILED:\n  " + String.join("\n  ", failures));
    }
  }

  @TempDir static Path temp;

  private FixTestCluster cluster;
  private GuardedProxy guarded;
  private FaultProxy proxy;
  private Invariants invariants;
  private Path viaProxy;
  private Path direct;

  @BeforeAll
  void setUp() throws Exception {
    cluster = FixTestCluster.shared();
    guarded = GuardedProxy.start(cluster, hold(), temp.resolve("proxy.kubeconfig"));
    proxy = guarded.proxy();
    invariants = guarded.invariants();
    viaProxy = guarded.kubeconfig();
    direct =
        cluster
            .server()
            .writeKubeconfig(
                temp.resolve("direct.kubeconfig"),
                cluster.server().masterUrl(),
                RealApiServer.TOKEN);
  }

  /** How long a timeout fault holds a request: past podnet's request timeout. */
  private static Duration hold() {
    return Duration.ofMillis(
        Long.getLong("podnet.fault.holdMillis", REQUEST_TIMEOUT.plusSeconds(1).toMillis()));
  }

  @AfterAll
  void tearDown() {
    if (guarded != null) {
      guarded.close();
    }
  }

  @Test
  void randomSchedulesKeepTheInvariantsAndResumeToTheSameEnd() throws Exception {
    int count = Integer.getInteger("podnet.fault.schedules", DEFAULT_SCHEDULES);
    long seed0 = Long.getLong("podnet.fault.seed", DEFAULT_SEED);
    Figures figures = new Figures();
    long started = System.nanoTime();
    for (int i = 0; i < count && figures.failures.size() < MAX_FAILED_SCHEDULES; i++) {
      long seed = seed0 + i;
      String prefix =
          "f"
              + Long.toString(seed, 36)
                  .substring(Math.max(0, Long.toString(seed, 36).length() - 5));
      FixScenario scenario = null;
      figures.schedules++;
      try {
        scenario = FixScenario.create(cluster, prefix, 2, 1, (int) (seed % 200));
        long scheduleStart = System.nanoTime();
        String ran = runSchedule(seed, scenario, figures);
        figures.passed++;
        // one line per schedule, so that a long run interrupted midway still has its figures
        System.err.printf(
            "fault schedule %d/%d seed %d ok in %d s: %s%n",
            i + 1, count, seed, (System.nanoTime() - scheduleStart) / 1_000_000_000L, ran);
      } catch (AssertionError | RuntimeException e) {
        String replay =
            "seed "
                + seed
                + " (replay: ./mvnw verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dit.test=FixFaultScheduleIT -Dpodnet.fault.seed="
                + seed
                + " -Dpodnet.fault.schedules=1): "
                + e.getMessage();
        System.err.println("FAULT SCHEDULE FAILED: " + replay);
        // the schedule and the assertion; the transcripts are in the test's output
        List<String> lines = replay.lines().toList();
        List<String> summary = new ArrayList<>(lines.subList(0, Math.min(2, lines.size())));
        summary.add("...");
        summary.addAll(lines.subList(Math.max(2, lines.size() - 8), lines.size()));
        figures.failures.add(String.join("\n    ", summary));
      } finally {
        if (scenario != null) {
          cluster.removeWorkers(scenario.nodes(), List.of(scenario.namespace()));
        }
      }
    }
    figures.millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    figures.faults.putAll(proxy.injected());
    figures.violations.addAll(proxy.violations());
    figures.violations.addAll(invariants.violations());
    String text =
        "FixFaultScheduleIT, first seed "
            + seed0
            + ", fault hold "
            + hold().toMillis()
            + " ms\n"
            + figures.text()
            + "\n";
    System.err.println(text);
    Path report =
        Path.of(System.getProperty("podnet.jar", "target/podnet.jar")).toAbsolutePath().getParent();
    if (report != null && Files.isDirectory(report)) {
      Files.writeString(report.resolve("fault-schedules.txt"), text, StandardCharsets.UTF_8);
    }
    assertThat(figures.violations).as(text).isEmpty();
    assertThat(figures.failures).as(text).isEmpty();
    assertThat(figures.endStates).as(text).hasSizeLessThanOrEqualTo(1);
  }

  /** Runs one schedule to its end and returns what it did (faults, kills, attempts). */
  private String runSchedule(long seed, FixScenario scenario, Figures figures) throws Exception {
    Random random = new Random(seed);
    Path dir = Files.createDirectories(temp.resolve("s" + seed));
    Path plan = dir.resolve("plan.json");
    Path journals = dir.resolve("runs");

    PodnetProcess planning =
        PodnetProcess.run(
            dir,
            RUN_TIMEOUT,
            FixCommands.plan(
                direct,
                scenario.drifted(),
                FixCommands.planOptions("pod", Duration.ofSeconds(30)),
                plan));
    assertThat(planning.exitCode()).as(planning.transcript()).isZero();
    JsonNode planJson = FixScenario.readJson(plan);
    assertThat(FixScenario.plannedNodes(planJson))
        .containsExactlyInAnyOrderElementsOf(scenario.drifted());

    List<FaultProxy.Fault> faults = new ArrayList<>();
    int faultCount = random.nextInt(5);
    for (int f = 0; f < faultCount; f++) {
      Target target = TARGETS.get(random.nextInt(TARGETS.size()));
      FaultProxy.Kind kind =
          FaultProxy.Kind.values()[random.nextInt(FaultProxy.Kind.values().length)];
      int occurrence = 1 + random.nextInt(target.occurrences());
      // now and then a burst: the same request failing several times in a row, so that the
      // executor's own retries run out, the run stops, and the operator has to continue it
      int burst = random.nextInt(6) == 0 ? BURST : 1;
      for (int b = 0; b < burst; b++) {
        faults.add(new FaultProxy.Fault(target.method(), target.path(), occurrence + b, kind));
      }
    }
    List<KillPoint> kills = new ArrayList<>();
    int killCount = random.nextInt(3);
    for (int k = 0; k < killCount; k++) {
      if (random.nextInt(3) == 0) {
        kills.add(KillPoint.after(300 + random.nextInt(12_000)));
      } else {
        String node = scenario.drifted().get(random.nextInt(scenario.drifted().size()));
        List<String> steps = FixScenario.plannedSteps(planJson, node);
        kills.add(
            KillPoint.at(
                node,
                steps.get(random.nextInt(steps.size())),
                random.nextBoolean() ? "started" : "done"));
      }
    }
    String schedule = "faults " + faults + ", " + kills;
    proxy.schedule(faults);
    int violationsBefore = proxy.violations().size() + invariants.violations().size();

    String runId = null;
    StringBuilder transcripts = new StringBuilder("schedule: " + schedule + "\n");
    int attempt = 0;
    String lastStop = null;
    while (true) {
      attempt++;
      if (attempt > MAX_ATTEMPTS) {
        throw new AssertionError("no end after " + MAX_ATTEMPTS + " attempts\n" + transcripts);
      }
      List<String> args =
          new ArrayList<>(
              runId == null
                  ? FixCommands.applyPlan(viaProxy, plan, journals)
                  : FixCommands.resume(viaProxy, runId, journals));
      args.addAll(List.of("--request-timeout", Long.toString(REQUEST_TIMEOUT.toSeconds())));
      if (runId != null) {
        figures.resumes++;
      }
      PodnetProcess process = PodnetProcess.start(dir, args);
      KillPoint kill = kills.isEmpty() ? null : kills.remove(0);
      AtomicBoolean stop = new AtomicBoolean();
      Thread killer = kill == null ? null : killer(process, kill, journals, stop, figures);
      int code;
      try {
        code = process.waitFor(RUN_TIMEOUT);
      } finally {
        stop.set(true);
        if (killer != null) {
          killer.join(5_000);
        }
      }
      transcripts.append(process.transcript()).append('\n');
      Optional<String> run = JournalView.onlyRun(journals);
      if (process.killed()) {
        figures.kills++;
        if (run.isEmpty()) {
          figures.restartsFromScratch++;
        }
        runId = run.orElse(null);
        continue;
      }
      if (kill != null) {
        kills.add(0, kill); // not reached in this attempt: keep it for the next one
      }
      if (code == 0) {
        runId =
            run.orElseThrow(() -> new AssertionError("exit 0 without a journal\n" + transcripts));
        break;
      }
      // stopped by a fault: the operator follows the printed "continue with" command
      if (run.isPresent()) {
        assertThat(process.stdout() + process.stderr())
            .as("a stopped run says how to continue\n" + transcripts)
            .contains("podnet fix resume");
      }
      figures.stopsContinued++;
      runId = run.orElse(null);
      // a fault is one-shot: stopping twice in a row at the same step for the same reason means
      // resume cannot get past it by itself
      String stoppedAt =
          run.flatMap(id -> JournalView.read(journals, id))
              .flatMap(JournalView::last)
              .map(e -> e.node() + " " + e.step() + ": " + e.detail())
              .orElse("");
      if (!stoppedAt.isEmpty() && stoppedAt.equals(lastStop)) {
        throw new AssertionError(
            "fix resume makes no progress, stopped twice at " + stoppedAt + "\n" + transcripts);
      }
      lastStop = stoppedAt;
    }

    int violationsAfter = proxy.violations().size() + invariants.violations().size();
    assertThat(violationsAfter)
        .as(
            "invariant violations in this schedule: "
                + proxy.violations()
                + invariants.violations()
                + "\n"
                + transcripts)
        .isEqualTo(violationsBefore);
    FixScenario.EndState end =
        scenario.endState(cluster, journals, runId, FixScenario.nodeDeletes(proxy.log()));
    assertThat(end).as(transcripts.toString()).isEqualTo(scenario.expectedEnd());
    figures.endStates.add(end);
    return schedule + ", " + attempt + " process(es)";
  }

  /** Kills the process when the journal shows the kill point's entry, or after its delay. */
  private static Thread killer(
      PodnetProcess process, KillPoint kill, Path journals, AtomicBoolean stop, Figures figures) {
    Thread thread =
        new Thread(
            () -> {
              long start = System.nanoTime();
              while (!stop.get() && process.alive()) {
                if (kill.delayMillis() >= 0) {
                  if ((System.nanoTime() - start) / 1_000_000 >= kill.delayMillis()) {
                    process.kill();
                    return;
                  }
                } else {
                  Optional<String> run = JournalView.onlyRun(journals);
                  if (run.isPresent()) {
                    Optional<JournalView> journal;
                    try {
                      journal = JournalView.read(journals, run.get());
                    } catch (AssertionError e) {
                      synchronized (figures) {
                        figures.violations.add("journal torn: " + e.getMessage());
                      }
                      return;
                    }
                    synchronized (figures) {
                      figures.journalReads++;
                    }
                    if (journal.isPresent()
                        && journal.get().entries().stream()
                            .anyMatch(
                                e ->
                                    kill.node().equals(e.node())
                                        && kill.step().equals(e.step())
                                        && kill.state().equals(e.state()))) {
                      process.kill();
                      return;
                    }
                  }
                }
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "killer");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
