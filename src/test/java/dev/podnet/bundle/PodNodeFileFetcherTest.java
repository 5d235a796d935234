package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The node-file pod is as narrow as its job allows: read-only host paths, never restarted; the host
 * PID namespace only so that nsenter reaches the host's binaries; its script a constant in which
 * every host command is a quoted argument list.
 */
class PodNodeFileFetcherTest {
  private final Pod pod =
      new PodNodeFileFetcher(
              null,
              new PodNodeFileFetcher.Settings(
                  "busybox:1.36",
                  "kube-system",
                  Duration.ofSeconds(60),
                  Duration.ofSeconds(300),
                  "a1b2c3d4"))
          .pod("worker-1");

  @Test
  void theHostPathsAreMountedReadOnlyUnderNamesTheApiAccepts() {
    assertThat(pod.getSpec().getVolumes())
        .extracting(v -> v.getHostPath().getPath())
        .containsExactly(
            "/etc/cni/net.d", "/opt/cni/bin", "/var/lib/cni", "/run/flannel", "/var/log");
    assertThat(pod.getSpec().getVolumes())
        .extracting(Volume::getName)
        .allMatch(n -> n.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"));
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
        .allMatch(VolumeMount::getReadOnly)
        .extracting(VolumeMount::getMountPath)
        .allMatch(p -> p.startsWith("/host/"));
  }

  @Test
  void thePodRunsOnceOnItsNodeDespiteTaintsAndCarriesTheRunLabel() {
    assertThat(pod.getSpec().getNodeName()).isEqualTo("worker-1");
    assertThat(pod.getSpec().getHostPID()).as("nsenter -t 1 needs the host's PID 1").isTrue();
    assertThat(pod.getSpec().getHostNetwork()).isNull();
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getSpec().getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(PodNodeFileFetcher.RUN_LABEL, "a1b2c3d4");
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("busybox:1.36");
    assertThat(pod.getSpec().getContainers().get(0).getSecurityContext().getPrivileged()).isTrue();
  }

  @Test
  void theScriptRunsEachHostCommandThroughNsenterAsQuotedWords() {
    assertThat(pod.getSpec().getContainers().get(0).getCommand())
        .containsExactly("sh", "-c", PodNodeFileFetcher.SCRIPT);
    assertThat(PodNodeFileFetcher.SCRIPT)
        .contains(
            "run 'sandboxes.json' 'timeout' '20' 'nsenter' '-t' '1' '-m' '-u' '-i' '-n' '-p' '--'"
                + " 'crictl' 'pods' '-o' 'json'\n",
            "run 'ip-addr.json' 'timeout' '20' 'nsenter' '-t' '1' '-m' '-u' '-i' '-n' '-p' '--'"
                + " 'ip' '-j' 'addr'\n",
            "run 'iptables-legacy-save.txt' 'timeout' '20' 'nsenter' '-t' '1' '-m' '-u' '-i' '-n'"
                + " '-p' '--' 'iptables-legacy-save'\n",
            "run 'iptables-nft-save.txt' 'timeout' '20' 'nsenter' '-t' '1' '-m' '-u' '-i' '-n'"
                + " '-p' '--' 'iptables-nft-save'\n",
            "host='/host'\nout='/out'\n")
        .doesNotContain("worker-1", "a1b2c3d4", "kube-system");
  }

  @Test
  void quotingRoundTripsAnyWordThroughTheShell() throws Exception {
    long seed = new java.util.Random().nextLong();
    java.util.Random random = new java.util.Random(seed);
    String alphabet = "ab '\"\\$`;|&()<>*?[]{}!#~\t\n-=%";
    StringBuilder script = new StringBuilder();
    java.util.List<String> words = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      StringBuilder word = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        word.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      words.add(word.toString());
      script
          .append("printf '%s\\0' ")
          .append(PodNodeFileFetcher.quote(word.toString()))
          .append('\n');
    }
    Process process = new ProcessBuilder("sh", "-c", script.toString()).start();
    process.getOutputStream().close();
    String printed =
        new String(
            process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("seed " + seed).isZero();
    assertThat(java.util.Arrays.asList(printed.split("\0", -1)).subList(0, words.size()))
        .as("seed " + seed)
        .isEqualTo(words);
  }
}
