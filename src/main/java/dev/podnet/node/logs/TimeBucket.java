package dev.podnet.node.logs;

/** How many lines of one cause fell into the time bucket that starts at {@code start}. */
public record TimeBucket(LogTime start, long count) {}
