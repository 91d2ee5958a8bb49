package io.lockwatch.devstack;

import org.apache.kafka.common.utils.Exit;

/**
 * Stops Kafka's server code from ending the JVM that embeds it: a fatal broker error becomes an
 * exception in the caller (a test, the demo) instead of a silent {@code System.exit}.
 */
final class ExitGuard {
  private static boolean installed;

  private ExitGuard() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    Exit.setExitProcedure(
        (status, message) -> {
          throw new IllegalStateException(
              "Embedded Kafka asked to exit the JVM (status " + status + "): " + message);
        });
    Exit.setHaltProcedure(
        (status, message) -> {
          throw new IllegalStateException(
              "Embedded Kafka asked to halt the JVM (status " + status + "): " + message);
        });
    installed = true;
  }
}
