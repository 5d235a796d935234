package dev.podnet.bundle;

/**
 * One secret replaced in a bundle, as the manifest lists it: where it was and what kind it was,
 * never the secret itself.
 *
 * @param file the bundle file, e.g. {@code cluster/configmaps.json}
 * @param location the object and JSON path, or the line, e.g. {@code kube-system/kube-proxy
 *     .data.kubeconfig.conf line 12}
 * @param kind the kind of secret, e.g. {@code jwt}
 * @param marker the text that replaced it, {@code <redacted:KIND:FINGERPRINT>}
 */
public record Redaction(String file, String location, String kind, String marker) {}
