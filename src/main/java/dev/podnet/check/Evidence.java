package dev.podnet.check;

/**
 * One observation behind a finding, quoted as observed.
 *
 * @param kind what was looked at: {@code event}, {@code node-condition}, {@code node-spec}, {@code
 *     pod-status}, {@code daemonset}, {@code configmap}, {@code classification}
 * @param subject the object, e.g. {@code pod demo/web-7d9f8c6b5d-x2k4q} or {@code node worker-1}
 * @param text the observed text
 */
public record Evidence(String kind, String subject, String text) {}
