package dev.podnet.model;

/**
 * Where the model's data came from.
 *
 * @param kind {@code snapshot-dir}, {@code snapshot-archive} or {@code live}
 * @param location the path or the API server URL
 * @param context the kubeconfig context, for live sources; null otherwise
 * @param collectedAt when the snapshot says it was taken (from its manifest), or null
 */
public record SourceInfo(String kind, String location, String context, String collectedAt) {}
