package dev.podnet.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal on disk: written whole and atomically, read back equal, refused when damaged. */
class RunJournalTest {
  private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

  @TempDir Path root;

  private FixPlan plan() {
    VirtualTime time = new VirtualTime(AT);
    FakeCluster cluster = new FakeCluster(time, "10.244.0.0/16", 24);
    cluster.addDriftedNode("worker-2", "10.42.2.0/24");
    return TestPlans.plan(
        cluster, List.of("worker-2"), TestPlans.options(FixOptions.POD, null), AT);
  }

  @Test
  void entriesAndStateReadBackEqual() throws IOException, JournalException {
    RunJournal journal =
        RunJournal.create(root, "20261120-100000-abcdef", plan(), RunJournal::atomicWrite);
    journal.record(
        new JournalEntry(AT, "worker-2", "cordon", JournalEntry.STARTED, "cordon", Map.of()));
    journal.finish(
        RunJournal.State.FAILED,
        new JournalEntry(
            AT.plusSeconds(5),
            "worker-2",
            "cordon",
            JournalEntry.FAILED,
            "HTTP 403: forbidden",
            Map.of("continue", "podnet fix resume 20261120-100000-abcdef")));

    RunJournal read = RunJournal.open(root, "20261120-100000-abcdef", RunJournal::atomicWrite);

    assertThat(read.state()).isEqualTo(RunJournal.State.FAILED);
    assertThat(read.entries()).containsExactlyElementsOf(journal.entries());
    assertThat(read.plan()).isEqualTo(journal.plan());
    assertThat(read.last("worker-2", StepKind.CORDON).orElseThrow().state()).isEqualTo("failed");
    assertThat(read.done("worker-2", StepKind.CORDON)).isFalse();
  }

  @Test
  void aWriteLeavesNoTemporaryFileAndReplacesTheWholeFile() throws IOException {
    Path file = root.resolve("journal.json");
    RunJournal.atomicWrite(file, "{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8));
    RunJournal.atomicWrite(file, "{}\n".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(file)).isEqualTo("{}\n");
    try (Stream<Path> files = Files.list(root)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aCrashInAWriteLeavesThePreviousJournal() throws IOException, JournalException {
    RunJournal journal =
        RunJournal.create(root, "20261120-100000-abcdef", plan(), RunJournal::atomicWrite);
    journal.record(new JournalEntry(AT, "worker-2", "cordon", JournalEntry.STARTED, "", Map.of()));
    RunJournal reopened =
        RunJournal.open(
            root,
            "20261120-100000-abcdef",
            (file, content) -> {
              throw new IOException("disk full");
            });

    assertThatThrownBy(
            () ->
                reopened.record(
                    new JournalEntry(AT, "worker-2", "cordon", JournalEntry.DONE, "", Map.of())))
        .hasMessage("disk full");
    RunJournal read = RunJournal.open(root, "20261120-100000-abcdef", RunJournal::atomicWrite);
    assertThat(read.entries()).hasSize(1);
  }

  @Test
  void aDamagedOrForeignJournalIsRefusedNamingTheFile() throws IOException {
    RunJournal.create(root, "20261120-100000-abcdef", plan(), RunJournal::atomicWrite);
    Path file = root.resolve("20261120-100000-abcdef").resolve(RunJournal.JOURNAL_FILE);
    Files.writeString(file, "{\"schemaVersion\": 1, \"runId\": \"20261120-100000-abc");

    assertThatThrownBy(
            () -> RunJournal.open(root, "20261120-100000-abcdef", RunJournal::atomicWrite))
        .isInstanceOf(JournalException.class)
        .hasMessageStartingWith(file.toString() + ": ");
    assertThatThrownBy(() -> RunJournal.open(root, "../../etc", RunJournal::atomicWrite))
        .hasMessage("'../../etc' is not a run id (they look like 20261120-095830-7f3a9c)");
    assertThatThrownBy(
            () -> RunJournal.open(root, "20261120-100000-000000", RunJournal::atomicWrite))
        .hasMessageContaining("no journal of run 20261120-100000-000000");
  }

  @Test
  void runIdsSortByTimeAndDiffer() {
    VirtualTime time = new VirtualTime(AT);
    Random random = new Random(1);
    String first = RunId.next(time, random);
    time.advance(java.time.Duration.ofSeconds(1));
    String second = RunId.next(time, random);

    assertThat(first).matches("20261120-100000-[0-9a-f]{6}");
    assertThat(RunId.valid(first)).isTrue();
    assertThat(first).isLessThan(second);
  }
}
