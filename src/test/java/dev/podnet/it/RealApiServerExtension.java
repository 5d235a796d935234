package dev.podnet.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * {@code @ExtendWith(RealApiServerExtension.class)}: starts (or reuses) {@link
 * RealApiServer#shared()} before the class's tests, aborting them with a {@code PODNET-IT-SKIPPED:}
 * reason when the machine cannot provide it, and injects {@link RealApiServer}, {@link
 * KubernetesClient} (the shared one: do not close it) and a fresh {@link SnapshotLoader} into test,
 * lifecycle and constructor parameters.
 */
public final class RealApiServerExtension implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(ExtensionContext context) {
    RealApiServer.shared();
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == RealApiServer.class
        || type == KubernetesClient.class
        || type == SnapshotLoader.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    RealApiServer server = RealApiServer.shared();
    if (type == RealApiServer.class) {
      return server;
    }
    if (type == KubernetesClient.class) {
      return server.client();
    }
    return new SnapshotLoader(server.client());
  }
}
