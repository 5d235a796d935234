package dev.podnet.model;

/**
 * One container's status, reduced: the current waiting reason, restarts and how it last ended.
 *
 * @param waitingReason {@code state.waiting.reason}, or null when the container is not waiting
 * @param running true when {@code state.running} is present
 * @param lastExitCode {@code lastState.terminated.exitCode}, or null
 * @param lastTerminationReason {@code lastState.terminated.reason}, or null
 * @param lastTerminationMessage {@code lastState.terminated.message}, or null
 */
public record ContainerState(
    String name,
    boolean init,
    boolean ready,
    int restartCount,
    boolean running,
    String waitingReason,
    String waitingMessage,
    Integer lastExitCode,
    String lastTerminationReason,
    String lastTerminationMessage) {}
