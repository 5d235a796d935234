package dev.podnet.fix.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.podnet.node.Sandboxes;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each guard of {@link ReclaimPlanner} on its own. */
class ReclaimPlannerTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Duration COOLDOWN = Duration.ofMinutes(10);
  static final String GONE = "d22ac101d964ab07579806161d16f965877a7d1205602ec8d80d300f1a0b1a75";
  static final String RUNNING = "53430a9b6b688d635f07fcb1a8c379b32d357dd7df81754df7931d4e46027e7b";
  static final String STOPPED = "d5fb0d6ab4ed37713f2b4c51c81f46af9820bab878fcd5012ca104a7703747a6";

  static ReservationFile file(String ip, String containerId, Instant modified) {
    return new ReservationFile(
        "lab-bridge",
        "var/lib/cni/networks/lab-bridge",
        ip,
        ip,
        containerId,
        "eth0",
        modified,
        "sha",
        true);
  }

  static SandboxList sandboxes(Instant savedAt) throws IOException {
    return SandboxList.of(
        Sandboxes.parse(
            "{\"items\": ["
                + "{\"id\": \""
                + RUNNING
                + "\", \"state\": \"SANDBOX_READY\", \"metadata\": {\"namespace\": \"demo\", \"name\": \"web-1\"}},"
                + "{\"id\": \""
                + STOPPED
                + "\", \"state\": \"SANDBOX_NOTREADY\", \"metadata\": {\"namespace\": \"demo\", \"name\": \"web-2\"}}"
                + "]}"),
        "sandboxes.json",
        savedAt);
  }

  static final PodHolders NO_PODS = new PodHolders(Map.of(), "snapshot-dir x", 0, null);

  static Decision only(ReclaimPlan plan) {
    assertThat(plan.decisions()).hasSize(1);
    return plan.decisions().get(0);
  }

  @Test
  void aRunningSandboxKeepsItsAddress() throws IOException {
    ReclaimPlan plan =
        ReclaimPlanner.plan(
            List.of(file("10.244.1.2", RUNNING, T0.minusSeconds(3600))),
            sandboxes(T0),
            NO_PODS,
            ObservationLog.empty("worker-1"),
            COOLDOWN,
            T0);
    assertThat(only(plan).verdict()).isEqualTo(Verdict.IN_USE);
    assertThat(only(plan).why()).contains("demo/web-1");
    assertThat(plan.observations().sightings()).isEmpty();
  }

  @Test
  void aStoppedSandboxIsLeftToTheRuntime() throws IOException {
    Decision decision =
        only(
            ReclaimPlanner.plan(
                List.of(file("10.244.1.3", STOPPED, T0.minusSeconds(3600))),
                sandboxes(T0),
                NO_PODS,
                ObservationLog.empty("worker-1"),
                COOLDOWN,
                T0));
    assertThat(decision.verdict()).isEqualTo(Verdict.SANDBOX_STOPPED);
    assertThat(decision.why()).contains("crictl rmp " + STOPPED);
  }

  @Test
  void aReservationNewerThanTheSandboxListIsNotJudgedByIt() throws IOException {
    Decision decision =
        only(
            ReclaimPlanner.plan(
                List.of(file("10.244.1.3", GONE, T0.minusSeconds(5))),
                sandboxes(T0.minusSeconds(5)),
                NO_PODS,
                ObservationLog.empty("worker-1"),
                COOLDOWN,
                T0));
    assertThat(decision.verdict()).isEqualTo(Verdict.TOO_NEW);
  }

  @Test
  void aPodInTheApiKeepsItsAddressEvenWithoutASandbox() throws IOException {
    PodHolders pods = new PodHolders(Map.of("10.244.1.3", "demo/web-3"), "live", 1, null);
    Decision decision =
        only(
            ReclaimPlanner.plan(
                List.of(file("10.244.1.3", GONE, T0.minusSeconds(3600))),
                sandboxes(T0),
                pods,
                ObservationLog.empty("worker-1"),
                COOLDOWN,
                T0));
    assertThat(decision.verdict()).isEqualTo(Verdict.IN_USE);
    assertThat(decision.why()).contains("pod demo/web-3");
  }

  @Test
  void releasingTakesTwoAgreeingObservationsAtLeastTheCooldownApart() throws IOException {
    List<ReservationFile> files = List.of(file("10.244.1.3", GONE, T0.minusSeconds(3600)));
    ReclaimPlan first =
        ReclaimPlanner.plan(
            files, sandboxes(T0), NO_PODS, ObservationLog.empty("worker-1"), COOLDOWN, T0);
    assertThat(only(first).verdict()).isEqualTo(Verdict.WAITING);
    assertThat(first.nextRelease()).contains(T0.plus(COOLDOWN));

    Instant early = T0.plus(COOLDOWN).minusSeconds(1);
    ReclaimPlan second =
        ReclaimPlanner.plan(
            files, sandboxes(early), NO_PODS, first.observations(), COOLDOWN, early);
    assertThat(only(second).verdict()).isEqualTo(Verdict.WAITING);
    assertThat(only(second).firstSeen()).isEqualTo(T0);

    Instant due = T0.plus(COOLDOWN);
    ReclaimPlan third =
        ReclaimPlanner.plan(files, sandboxes(due), NO_PODS, second.observations(), COOLDOWN, due);
    assertThat(only(third).verdict()).isEqualTo(Verdict.RELEASABLE);
    assertThat(third.observations().sighting(files.get(0).path()).orElseThrow().observations())
        .isEqualTo(3);
  }

  @Test
  void evenAZeroCooldownNeedsTwoObservations() throws IOException {
    List<ReservationFile> files = List.of(file("10.244.1.3", GONE, T0.minusSeconds(3600)));
    ReclaimPlan first =
        ReclaimPlanner.plan(
            files, sandboxes(T0), NO_PODS, ObservationLog.empty("worker-1"), Duration.ZERO, T0);
    assertThat(only(first).verdict()).isEqualTo(Verdict.WAITING);
    ReclaimPlan second =
        ReclaimPlanner.plan(files, sandboxes(T0), NO_PODS, first.observations(), Duration.ZERO, T0);
    assertThat(only(second).verdict()).isEqualTo(Verdict.RELEASABLE);
  }

  @Test
  void anotherContainerIdOrABreakStartsTheCooldownAgain() throws IOException {
    ReservationFile before = file("10.244.1.3", GONE, T0.minusSeconds(3600));
    ReclaimPlan first =
        ReclaimPlanner.plan(
            List.of(before),
            sandboxes(T0),
            NO_PODS,
            ObservationLog.empty("worker-1"),
            COOLDOWN,
            T0);
    Instant later = T0.plus(Duration.ofHours(1));
    ReservationFile reReserved =
        file("10.244.1.3", "0".repeat(64), T0.plus(Duration.ofMinutes(30)));
    ReclaimPlan second =
        ReclaimPlanner.plan(
            List.of(reReserved), sandboxes(later), NO_PODS, first.observations(), COOLDOWN, later);
    assertThat(only(second).verdict()).isEqualTo(Verdict.WAITING);
    assertThat(only(second).firstSeen()).isEqualTo(later);

    PodHolders holding = new PodHolders(Map.of("10.244.1.3", "demo/web-3"), "live", 1, null);
    ReclaimPlan held =
        ReclaimPlanner.plan(
            List.of(before), sandboxes(later), holding, first.observations(), COOLDOWN, later);
    assertThat(held.observations().sightings()).isEmpty();
  }

  @Test
  void withoutTheSandboxListNothingIsJudgedAndNothingRecorded() {
    ObservationLog previous =
        new ObservationLog(
            "worker-1",
            T0,
            Map.of(
                "var/lib/cni/networks/lab-bridge/10.244.1.3",
                new Sighting("var/lib/cni/networks/lab-bridge/10.244.1.3", GONE, T0, T0, 1)));
    Instant later = T0.plus(Duration.ofHours(1));
    ReclaimPlan plan =
        ReclaimPlanner.plan(
            List.of(file("10.244.1.3", GONE, T0.minusSeconds(3600))),
            SandboxList.unreadable("sandboxes.json", "sandboxes.json does not exist"),
            NO_PODS,
            previous,
            COOLDOWN,
            later);
    assertThat(only(plan).verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(plan.observed()).isFalse();
    assertThat(plan.observations()).isEqualTo(previous);
    assertThat(plan.blockers()).singleElement().asString().contains("sandbox list was not read");
  }

  @Test
  void anUnreadableApiBlocksEveryReleaseButTheObservationCounts() throws IOException {
    List<ReservationFile> files = List.of(file("10.244.1.3", GONE, T0.minusSeconds(3600)));
    ReclaimPlan first =
        ReclaimPlanner.plan(
            files, sandboxes(T0), NO_PODS, ObservationLog.empty("worker-1"), COOLDOWN, T0);
    Instant later = T0.plus(Duration.ofHours(1));
    ReclaimPlan blocked =
        ReclaimPlanner.plan(
            files,
            sandboxes(later),
            PodHolders.unreadable("live", "connection refused"),
            first.observations(),
            COOLDOWN,
            later);
    assertThat(only(blocked).verdict()).isEqualTo(Verdict.BLOCKED);
    assertThat(blocked.blockers()).singleElement().asString().contains("connection refused");
    assertThat(blocked.observations().sightings()).containsKey(files.get(0).path());
  }

  @Test
  void linksAndEmptyFilesAreLeftAlone() throws IOException {
    ReservationFile link =
        new ReservationFile(
            "lab-bridge",
            "var/lib/cni/networks/lab-bridge",
            "10.244.1.4",
            "10.244.1.4",
            "",
            "",
            T0.minusSeconds(3600),
            "",
            false);
    ReservationFile empty = file("10.244.1.5", "", T0.minusSeconds(3600));
    ReclaimPlan plan =
        ReclaimPlanner.plan(
            List.of(link, empty),
            sandboxes(T0),
            NO_PODS,
            ObservationLog.empty("worker-1"),
            COOLDOWN,
            T0);
    assertThat(plan.decisions()).extracting(Decision::verdict).containsOnly(Verdict.LEFT_ALONE);
  }
}
