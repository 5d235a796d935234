package dev.podnet.classify;

import java.util.List;

/**
 * A sandbox-failure message taken apart into its wrapper layers.
 *
 * <p>{@code layers} runs outermost first and ends with the innermost error, so {@code
 * layers.get(layers.size() - 1)} equals {@code innermost} unless the message was empty. Fields a
 * message does not carry are {@code null}. {@code plugin}, {@code pluginName} and {@code operation}
 * name the innermost CNI plugin the chain mentions, because that is the one that failed; {@code
 * grpcCode} and {@code cniStatus} are the first (outermost) ones seen.
 */
public record ErrorChain(
    String original,
    List<String> layers,
    String sandboxId,
    String podNamespace,
    String podName,
    String plugin,
    String pluginName,
    String operation,
    Integer cniStatus,
    String grpcCode,
    String innermost) {

  public ErrorChain {
    original = original == null ? "" : original;
    layers = List.copyOf(layers);
    innermost = innermost == null ? "" : innermost;
  }
}
