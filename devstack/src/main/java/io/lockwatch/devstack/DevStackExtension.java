package io.lockwatch.devstack;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests one shared {@link DevStack} per test JVM: started on first use, closed when the JVM's
 * test run ends. Declare a {@code DevStack} parameter on a test, a lifecycle method or a
 * constructor.
 */
public final class DevStackExtension implements ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(DevStackExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DevStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return shared(context);
  }

  /** The JVM-wide stack, started if this is its first use. */
  public static DevStack shared(ExtensionContext context) {
    // The root store lives until the whole test plan has run; AutoCloseable values are closed then.
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(DevStack.class, key -> DevStack.startEphemeral(), DevStack.class);
  }
}
