package io.lockwatch.devtools;

import io.lockwatch.cli.IncidentStory;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.events.Incident;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch demo}: the node-7 incident, end to end, on the embedded stack. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the node-7 incident on the embedded stack.",
      "",
      "Starts a Kafka broker in this JVM, a schema registry beside it, the Lockwatch streams",
      "app and a reclaim trigger; two simulated holders play the incident on a lock directory",
      "(heartbeats every second, so the threshold is 3 s). Prints what happens as it happens,",
      "then the postmortem, and writes the HTML report."
    })
public final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = ".lockwatch/demo",
      description =
          "Where the broker's log, the registry's database, the app's state and the lock directory are kept (wiped at the start of each demo; default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Lockwatch demo: node-7 and " + Node7Scenario.LOCK + ", on the embedded stack");
    wipe(dataDir);
    Files.createDirectories(dataDir);
    Node7Scenario.Result result;
    try (DevStack stack = DevStack.startPersistent(dataDir)) {
      DevStack.Timings timings = stack.startupTimings();
      out.printf(
          "Embedded stack up in %.1f s (broker %.1f s, registry %.1f s, started together)%n",
          seconds(timings.total()), seconds(timings.broker()), seconds(timings.registry()));
      out.println("  Kafka bootstrap servers: " + stack.bootstrapServers());
      out.println("  Schema registry:         " + stack.registryUrl());
      result = new Node7Scenario(stack, dataDir, out, Duration.ofSeconds(1)).run();
      out.println();
      out.printf(
          "Fenced: node-3 took the lock with token %d; node-7's write with its old token %d was"
              + " %s.%n",
          result.nextToken(),
          result.node7Token(),
          result.zombieWriteRefused() ? "refused" : "ACCEPTED");
    }
    out.println("Stopped; the demo's data is in " + dataDir);
    // The story ends with the incident's own record, as the night ended with the operator's line.
    Incident incident = result.incident();
    out.println();
    out.printf(
        "Incident %s: last heartbeat %s, detected %s later, reclaimed by %s, %d zombie write(s)"
            + " after it%n",
        incident.getIncidentId(),
        new io.lockwatch.cli.output.Times(java.time.ZoneOffset.UTC)
            .full(incident.getLastHeartbeatObservedAt()),
        io.lockwatch.cli.output.Times.duration(Duration.ofMillis(incident.getTimeToDetectMs())),
        incident.getReclaimedBy(),
        incident.getZombieEvents());
    out.println(IncidentStory.allClear(incident).orElseThrow());
    return 0;
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static void wipe(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
