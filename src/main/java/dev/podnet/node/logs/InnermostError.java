package dev.podnet.node.logs;

/**
 * One distinct innermost error of a cause and how many lines carried it. Sandbox ids, UIDs and
 * other long hex runs are replaced by {@code <id>} so that retries of one failure count as one.
 */
public record InnermostError(String text, long count) {}
