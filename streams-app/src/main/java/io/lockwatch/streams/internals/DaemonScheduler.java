package io.lockwatch.streams.internals;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** The app's background chores: one named daemon thread each, so none keeps the JVM alive. */
final class DaemonScheduler {
  private DaemonScheduler() {}

  static ScheduledExecutorService named(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        runnable -> {
          Thread thread = new Thread(runnable, name);
          thread.setDaemon(true);
          return thread;
        });
  }
}
