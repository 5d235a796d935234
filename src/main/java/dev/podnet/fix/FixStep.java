package dev.podnet.fix;

import java.time.Duration;

/**
 * One planned step on one node: what it does and what it waits for, in words a reviewer reads
 * before anything runs.
 *
 * @param timeout how long the step may wait before the run stops; {@link Duration#ZERO} when it
 *     does not wait
 */
public record FixStep(StepKind kind, String action, String waitsFor, Duration timeout) {}
