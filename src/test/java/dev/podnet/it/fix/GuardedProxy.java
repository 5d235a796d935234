package dev.podnet.it.fix;

import dev.podnet.it.RealApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The fault proxy in front of the shared cluster with the invariants' guards on it, the observer
 * that polls the nodes, and a kubeconfig that talks through the proxy.
 */
record GuardedProxy(FaultProxy proxy, Invariants invariants, Path kubeconfig)
    implements AutoCloseable {

  /**
   * @param hold how long a timeout fault holds a request
   * @param kubeconfigFile where to write the kubeconfig through the proxy
   */
  /** A proxy that holds faulted requests for a second, its kubeconfig in a temporary file. */
  static GuardedProxy start(FixTestCluster cluster) throws IOException {
    return start(cluster, Duration.ofSeconds(1), Files.createTempFile("podnet-it", ".kubeconfig"));
  }

  static GuardedProxy start(FixTestCluster cluster, Duration hold, Path kubeconfigFile)
      throws IOException {
    FaultProxy proxy = new FaultProxy(cluster.server().masterUrl(), hold);
    Invariants invariants = new Invariants(cluster.client(), Duration.ofMillis(50)).start();
    proxy.addGuard(invariants.nodeDeleteGuard());
    proxy.addGuard(invariants.cordonGuard());
    Path kubeconfig =
        cluster.server().writeKubeconfig(kubeconfigFile, proxy.url(), RealApiServer.TOKEN);
    return new GuardedProxy(proxy, invariants, kubeconfig);
  }

  @Override
  public void close() {
    invariants.close();
    proxy.close();
  }
}
