/**
 * {@code podnet fix node-cidr} end to end against the real kube-apiserver v1.20.2 and the real
 * kube-controller-manager ({@code nodeipam}, {@code disruption}, {@code replicaset}) built from the
 * same Debian source tree.
 *
 * <ul>
 *   <li>{@link dev.podnet.it.fix.FixTestCluster}: the shared cluster: server, controllers, a kind
 *       control plane (a real kind v1.20 controller-manager mirror pod) and flannel's real
 *       manifest; workers with {@link dev.podnet.it.fix.SimulatedKubelet}s, replacements placed by
 *       {@link dev.podnet.it.fix.SimulatedScheduler}.
 *   <li>{@link dev.podnet.it.fix.FixScenario}: drifted and healthy nodes with a budgeted workload,
 *       and the names-free end state every run must reach.
 *   <li>{@link dev.podnet.it.fix.FaultProxy}: a loopback HTTP proxy in front of the server that
 *       injects 500, 409, 429 and timeouts on chosen requests; {@link dev.podnet.it.fix.Invariants}
 *       guards each request and observes the nodes.
 *   <li>{@link dev.podnet.it.fix.PodnetProcess}: the packaged jar as a subprocess that a test can
 *       SIGKILL; {@link dev.podnet.it.fix.JournalView} reads a run's journal from disk.
 *   <li>The ITs: {@code FixHarnessIT} (the harness stands for the real facts), {@code
 *       FixNodeCidrIT} (plan and roll, pod and manual kubelet restart), {@code FixPdbBlockIT},
 *       {@code FixRbacIT} (the shipped {@code deploy/rbac/} roles), {@code FixFaultScheduleIT}
 *       (randomised faults and kills, {@code -Dpodnet.fault.schedules=N}, {@code
 *       -Dpodnet.fault.seed=S}).
 * </ul>
 *
 * <p>Run: {@code ./mvnw verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test='Fix*IT'}.
 */
package dev.podnet.it.fix;
