package io.lockwatch.cli;

import io.lockwatch.client.ReclaimTrigger;
import io.lockwatch.client.filelock.FileLockDirectory;
import io.lockwatch.client.filelock.FileLockReclaimer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockwatch trigger}: the reference reclaim trigger as a service. It acts on the reclaim
 * commands for a {@link FileLockDirectory} lock manager until it is stopped (SIGTERM, Ctrl-C), and
 * reports each outcome back to Lockwatch. Several of them share the commands in one group.
 */
@Command(
    name = "trigger",
    mixinStandardHelpOptions = true,
    description = {
      "Act on reclaim commands for a directory of lock files, until stopped.",
      "The reference reclaim trigger: it releases a lock file only if it still carries the",
      "command's token and heartbeat sequence, and reports each outcome back to Lockwatch."
    })
public final class TriggerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--lock-dir",
      required = true,
      paramLabel = "DIR",
      description = "The lock manager's directory of lock files.")
  Path lockDir;

  @Option(
      names = "--group-id",
      defaultValue = "lockwatch-reclaim-trigger",
      paramLabel = "ID",
      description =
          "Consumer group shared by the triggers of one lock manager (default: ${DEFAULT-VALUE}).")
  String groupId;

  @Option(
      names = "--actor",
      paramLabel = "NAME",
      description = "Who reclaims, as the outcome events name it (default: the host name).")
  String actor;

  @Option(
      names = "--max-per-minute",
      defaultValue = "60",
      paramLabel = "N",
      description =
          "At most this many reclaims in any minute; the rest wait (default: ${DEFAULT-VALUE}).")
  int maxPerMinute;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(lockDir)) {
      throw new UsageException("--lock-dir " + lockDir + " is not a directory");
    }
    if (maxPerMinute <= 0) {
      throw new UsageException("--max-per-minute must be positive, not " + maxPerMinute);
    }
    PrintWriter out = spec.commandLine().getOut();
    String name = actor != null ? actor : hostName();
    CountDownLatch stopped = new CountDownLatch(1);
    try (ReclaimTrigger trigger =
        ReclaimTrigger.builder(
                connection.config().clientConfig(),
                new FileLockReclaimer(new FileLockDirectory(lockDir)))
            .groupId(groupId)
            .actor(name)
            .maxReclaimsPerMinute(maxPerMinute)
            .onOutcome(
                outcome -> {
                  out.printf(
                      "%s %s of %s (token %d): %s%n",
                      outcome.event().getOccurredAt(),
                      outcome.event().getType(),
                      outcome.command().getLockId(),
                      outcome.command().getFencingToken(),
                      outcome.result().reclaimed() ? "released" : outcome.result().reason());
                  out.flush();
                })
            .build()) {
      // The JVM exits when its hooks end: the hook itself closes the trigger, so that the last
      // outcome is published and its command's offset committed before the process goes.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stopped.countDown();
                    trigger.close();
                  },
                  "trigger-stop"));
      trigger.start();
      out.printf("Acting on reclaim commands for %s as %s (group %s)%n", lockDir, name, groupId);
      out.flush();
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        if (trigger.failure().isPresent()) {
          throw new IllegalStateException(
              "the reclaim trigger stopped: " + trigger.failure().get().getMessage(),
              trigger.failure().get());
        }
      }
    }
    return ExitCodes.DONE;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "reclaim-trigger";
    }
  }
}
