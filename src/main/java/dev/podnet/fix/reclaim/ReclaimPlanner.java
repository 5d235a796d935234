package dev.podnet.fix.reclaim;

import dev.podnet.node.Sandboxes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, without I/O, which host-local reservations may be released: the guards of {@code podnet
 * fix reclaim-ips} as one function of what was read and when.
 *
 * <p>A reservation is released only when all of these hold:
 *
 * <ol>
 *   <li>it is a regular file (host-local writes nothing else);
 *   <li>the sandbox list was read, and the runtime has no sandbox with the file's container id (a
 *       stopped sandbox the runtime still has is left to {@code crictl rmp}, whose CNI DEL releases
 *       the address the proper way);
 *   <li>the file is older than the sandbox list, so the list could know its sandbox;
 *   <li>an earlier observation saw it leaked with the same container id, at least the cooldown
 *       before this one, and every observation since agreed;
 *   <li>the pods of the node were read from the API and none holds the address.
 * </ol>
 */
public final class ReclaimPlanner {
  private ReclaimPlanner() {}

  /**
   * Decides on every reservation and records this run as an observation.
   *
   * @param reservations the reservation files found under the root
   * @param sandboxes the runtime's sandbox list, or why it could not be read
   * @param pods the addresses pods of the node hold in the API, or why they could not be read
   * @param previous the observations of earlier runs on this node
   * @param cooldown the least time between the two agreeing observations
   * @param now the time of this observation, from the injected clock
   */
  public static ReclaimPlan plan(
      List<ReservationFile> reservations,
      SandboxList sandboxes,
      PodHolders pods,
      ObservationLog previous,
      Duration cooldown,
      Instant now) {
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("the cooldown must not be negative");
    }
    List<String> blockers = new ArrayList<>();
    if (sandboxes.problem() != null) {
      blockers.add(
          "the sandbox list was not read ("
              + sandboxes.problem()
              + "), so no reservation can be told leaked");
    }
    if (pods.problem() != null) {
      blockers.add(
          "the pods of the node could not be read from the API ("
              + pods.problem()
              + "), so no address can be shown free of pods");
    }
    Optional<Sandboxes> list = sandboxes.read();
    List<Decision> decisions = new ArrayList<>();
    Map<String, Sighting> sightings = new HashMap<>();
    for (ReservationFile reservation : reservations) {
      Decision decision =
          decide(reservation, sandboxes, list, pods, previous, cooldown, now, sightings);
      decisions.add(decision);
    }
    ObservationLog next =
        list.isPresent() ? new ObservationLog(previous.node(), now, sightings) : previous;
    return new ReclaimPlan(decisions, next, list.isPresent(), blockers);
  }

  private static Decision decide(
      ReservationFile reservation,
      SandboxList sandboxes,
      Optional<Sandboxes> list,
      PodHolders pods,
      ObservationLog previous,
      Duration cooldown,
      Instant now,
      Map<String, Sighting> sightings) {
    if (!reservation.regularFile()) {
      return new Decision(
          reservation,
          Verdict.LEFT_ALONE,
          "not a regular file; host-local writes only regular files, so podnet does not touch it",
          null,
          null);
    }
    if (reservation.containerId().isEmpty()) {
      return new Decision(
          reservation,
          Verdict.LEFT_ALONE,
          "holds no container id (an interrupted write?); nothing shows whose it is",
          null,
          null);
    }
    if (list.isEmpty()) {
      return new Decision(
          reservation,
          Verdict.UNKNOWN,
          "the sandbox list was not read, so whether its sandbox runs is unknown",
          null,
          null);
    }
    Optional<Sandboxes.Sandbox> sandbox = list.get().find(reservation.containerId());
    if (sandbox.isPresent() && sandbox.get().ready()) {
      return new Decision(
          reservation,
          Verdict.IN_USE,
          "sandbox " + shortId(sandbox.get().id()) + " of pod " + pod(sandbox.get()) + " runs",
          null,
          null);
    }
    if (sandbox.isPresent()) {
      return new Decision(
          reservation,
          Verdict.SANDBOX_STOPPED,
          "the runtime still has sandbox "
              + shortId(sandbox.get().id())
              + " of pod "
              + pod(sandbox.get())
              + " ("
              + sandbox.get().state()
              + "); 'crictl rmp "
              + sandbox.get().id()
              + "' runs its CNI DEL, which releases the address",
          null,
          null);
    }
    if (!reservation.modified().isBefore(sandboxes.savedAt())) {
      return new Decision(
          reservation,
          Verdict.TOO_NEW,
          "reserved at "
              + reservation.modified()
              + ", not before the sandbox list was saved ("
              + sandboxes.savedAt()
              + "); save crictl pods -o json again",
          null,
          null);
    }
    Optional<String> holder = pods.holder(reservation.ip());
    if (holder.isPresent()) {
      return new Decision(
          reservation,
          Verdict.IN_USE,
          "no such sandbox, but pod " + holder.get() + " has this address in the API",
          null,
          null);
    }
    Optional<Sighting> before =
        previous
            .sighting(reservation.path())
            .filter(s -> s.containerId().equals(reservation.containerId()))
            .filter(s -> !s.firstSeen().isAfter(now));
    Sighting sighting =
        before
            .map(
                s ->
                    new Sighting(
                        s.path(), s.containerId(), s.firstSeen(), now, s.observations() + 1))
            .orElse(new Sighting(reservation.path(), reservation.containerId(), now, now, 1));
    sightings.put(reservation.path(), sighting);
    Instant releasableAt = sighting.firstSeen().plus(cooldown);
    String gone = "no such sandbox";
    if (pods.problem() != null) {
      return new Decision(
          reservation,
          Verdict.BLOCKED,
          gone + ", but the API could not be read to show that no pod has the address",
          sighting.firstSeen(),
          releasableAt);
    }
    gone += ", no pod has the address";
    if (before.isEmpty()) {
      return new Decision(
          reservation,
          Verdict.WAITING,
          gone + "; first observation, releasable from " + releasableAt + " on a later run",
          sighting.firstSeen(),
          releasableAt);
    }
    if (now.isBefore(releasableAt)) {
      return new Decision(
          reservation,
          Verdict.WAITING,
          gone
              + "; seen leaked since "
              + sighting.firstSeen()
              + ", releasable from "
              + releasableAt,
          sighting.firstSeen(),
          releasableAt);
    }
    return new Decision(
        reservation,
        Verdict.RELEASABLE,
        gone
            + "; "
            + sighting.observations()
            + " observations saw it leaked with this container id",
        sighting.firstSeen(),
        releasableAt);
  }

  /** The first 12 characters of a container id, as {@code crictl} shows it. */
  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  private static String pod(Sandboxes.Sandbox sandbox) {
    return sandbox.namespace() + "/" + sandbox.name();
  }
}
