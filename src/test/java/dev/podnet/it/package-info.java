/**
 * The {@code *IT} tier: tests against a real kube-apiserver v1.20.2 (DESIGN.md section 5).
 *
 * <ul>
 *   <li>{@code scripts/apiserver.sh build|start DIR|stop DIR|status DIR} builds (once per machine,
 *       about 8 minutes, cached in {@code /var/cache/podnet/k8s-v1.20.2}) and runs etcd +
 *       kube-apiserver (+ optionally kube-controller-manager's node IPAM). Exit 3 with a {@code
 *       PODNET-IT-SKIPPED: why} line means this machine cannot provide the server.
 *   <li>{@link dev.podnet.it.RealApiServer}: the per-JVM server ({@code shared()}) or a private one
 *       ({@code startDedicated(controllerManager)}, or {@code
 *       startDedicated("nodeipam,disruption")} for a list of controllers); a skip aborts the test
 *       with the reason, or fails it when {@code PODNET_IT_REQUIRED=true}.
 *   <li>{@link dev.podnet.it.RealApiServerExtension}: {@code @ExtendWith} it to get {@code
 *       RealApiServer}, {@code KubernetesClient} and {@code SnapshotLoader} parameters.
 *   <li>{@link dev.podnet.it.SnapshotLoader}: loads a snapshot directory into the server ({@code
 *       load(dir)}), and {@code reset()}s the server between test classes.
 * </ul>
 *
 * <p>Run: {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=ApiServerSmokeIT}. {@code PODNET_K8S_NO_BUILD=1} turns a missing cache into a skip
 * instead of an 8-minute build; {@code PODNET_IT_KEEP_DIR=true} keeps the server directory (logs,
 * etcd data) after the run.
 */
package dev.podnet.it;
