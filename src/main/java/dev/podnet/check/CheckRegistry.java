package dev.podnet.check;

import dev.podnet.classify.CauseCatalog;
import java.util.List;

/** The checks behind {@code podnet diagnose}, in the order their findings take precedence. */
public final class CheckRegistry {
  private CheckRegistry() {}

  /** Every diagnose check; a test asserts each check class is listed here and in the README. */
  public static List<Check> diagnoseChecks(CauseCatalog catalog) {
    return List.of(
        new SandboxFailureCheck(catalog),
        new NodeNetworkReadinessCheck(catalog),
        new NodeCidrCheck(),
        new CniAgentCheck());
  }
}
