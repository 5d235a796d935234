package dev.podnet.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The node-file pod is as narrow as its job allows: read-only host paths, no host PID, never
 * restarted.
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
    assertThat(pod.getSpec().getHostPID()).isFalse();
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
}
