package io.lockwatch.devtools;

import io.lockwatch.cli.ConnectionOptions;
import io.lockwatch.cli.TimeParser;
import io.lockwatch.cli.UsageException;
import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.client.ReclaimTrigger;
import io.lockwatch.client.filelock.FileLockDirectory;
import io.lockwatch.client.filelock.FileLockReclaimer;
import io.lockwatch.events.HolderIdentity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch simulate}: a fleet of lock holders on a lock directory, publishing to Kafka. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate a Locksmith-like fleet: holders taking file locks in a directory and publishing",
      "acquire, heartbeat and release through LockEventPublisher.",
      "",
      "Lock i is held by node (i mod --nodes). Scenarios: --crash a node (heartbeats stop, lock",
      "files stay), --pause a node and let it resume (its heartbeats with a fenced token are",
      "zombies, its writes are refused), --skew a node's clock. With --reclaim, a reclaim",
      "trigger with the file-lock reclaimer acts on Lockwatch's commands."
    })
public final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--dir",
      defaultValue = ".lockwatch/locks",
      description = "The lock directory (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--nodes",
      defaultValue = "5",
      description = "Holder nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--locks",
      defaultValue = "20",
      description = "Locks (default: ${DEFAULT-VALUE}).")
  int lockCount;

  @Option(
      names = "--interval",
      defaultValue = "1s",
      description = "Heartbeat interval (default: ${DEFAULT-VALUE}).")
  String interval;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      description = "How long to run (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--crash",
      paramLabel = "NODE@DELAY",
      description = "Crash a node after DELAY, e.g. node-2@10s.")
  List<String> crashes = new ArrayList<>();

  @Option(
      names = "--pause",
      paramLabel = "NODE@DELAY+LENGTH",
      description = "Pause a node after DELAY for LENGTH, e.g. node-3@5s+8s.")
  List<String> pauses = new ArrayList<>();

  @Option(
      names = "--skew",
      paramLabel = "NODE=OFFSET",
      description = "Offset a node's clock, e.g. node-4=+5m or node-4=-5m.")
  List<String> skews = new ArrayList<>();

  @Option(
      names = "--reclaim",
      description = "Also run a reclaim trigger with the file-lock reclaimer.")
  boolean reclaim;

  private final class Node {
    final HolderIdentity identity;
    final LockEventPublisher publisher;
    final Map<String, Long> held = new LinkedHashMap<>();
    final Map<String, Long> sequences = new HashMap<>();
    long crashAt = Long.MAX_VALUE;
    long pauseAt = Long.MAX_VALUE;
    long resumeAt = Long.MAX_VALUE;
    boolean resumed;

    Node(HolderIdentity identity, LockEventPublisher publisher) {
      this.identity = identity;
      this.publisher = publisher;
    }

    boolean silent(long elapsed) {
      return elapsed >= crashAt || (elapsed >= pauseAt && elapsed < resumeAt);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (nodes < 1 || lockCount < 1) {
      throw new UsageException("--nodes and --locks must be at least 1");
    }
    Duration beat = TimeParser.duration(interval);
    Duration runFor = TimeParser.duration(duration);
    Map<String, Object> client = connection.config().clientConfig();
    FileLockDirectory locks = new FileLockDirectory(dir);
    Map<String, Duration> skew = new HashMap<>();
    for (String value : skews) {
      String[] parts = value.split("=", 2);
      if (parts.length != 2) {
        throw new UsageException("--skew wants NODE=OFFSET, e.g. node-4=+5m, not " + value);
      }
      Duration offset = TimeParser.duration(parts[1].replaceFirst("^[+-]", ""));
      skew.put(parts[0], parts[1].startsWith("-") ? offset.negated() : offset);
    }
    List<Node> fleet = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      String name = "node-" + i;
      HolderIdentity identity =
          HolderIdentity.newBuilder()
              .setNodeId(name)
              .setHost(name + ".sim.local")
              .setPid(1000 + i)
              .setIncarnation("sim")
              .build();
      Clock clock = Clock.offset(Clock.systemUTC(), skew.getOrDefault(name, Duration.ZERO));
      fleet.add(new Node(identity, LockEventPublisher.create(client, identity, clock)));
    }
    for (String value : crashes) {
      String[] parts = split(value, "@", "--crash wants NODE@DELAY");
      node(fleet, parts[0]).crashAt = TimeParser.duration(parts[1]).toMillis();
    }
    for (String value : pauses) {
      String[] parts = split(value, "@", "--pause wants NODE@DELAY+LENGTH");
      String[] times = split(parts[1], "+", "--pause wants NODE@DELAY+LENGTH");
      Node node = node(fleet, parts[0]);
      node.pauseAt = TimeParser.duration(times[0]).toMillis();
      node.resumeAt = node.pauseAt + TimeParser.duration(times[1]).toMillis();
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String key :
        List.of(
            "acquires",
            "heartbeats",
            "releases",
            "zombie heartbeats",
            "refused writes",
            "lost locks")) {
      counts.put(key, 0L);
    }
    long start = System.nanoTime();
    ReclaimTrigger trigger =
        reclaim
            ? ReclaimTrigger.builder(client, new FileLockReclaimer(locks))
                .groupId("lockwatch-simulate")
                .actor("reclaim-trigger@simulator")
                .onOutcome(
                    o ->
                        say(
                            out,
                            start,
                            "reclaim-trigger "
                                + (o.result().reclaimed() ? "reclaimed " : "refused ")
                                + o.command().getLockId()
                                + " (token "
                                + o.command().getFencingToken()
                                + ")"
                                + (o.result().reclaimed() ? "" : ": " + o.result().reason())))
                .build()
                .start()
            : null;
    try {
      say(
          out,
          start,
          "simulating "
              + nodes
              + " nodes and "
              + lockCount
              + " locks in "
              + dir
              + ", heartbeat every "
              + interval
              + ", for "
              + duration);
      while (true) {
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        if (elapsed >= runFor.toMillis()) {
          break;
        }
        for (int lock = 0; lock < lockCount; lock++) {
          String lockId = "lock-" + lock + ".conf";
          Node owner = fleet.get(lock % nodes);
          tick(out, start, locks, owner, lockId, elapsed, beat, counts, true);
          // A standby takes over a lock its owner lost (reclaimed while it was silent).
          Node standby = fleet.get((lock + 1) % nodes);
          if (standby != owner) {
            tick(out, start, locks, standby, lockId, elapsed, beat, counts, owner.silent(elapsed));
          }
        }
        Thread.sleep(beat.toMillis());
      }
      for (Node node : fleet) {
        if (node.silent((System.nanoTime() - start) / 1_000_000)) {
          continue; // a crashed node releases nothing: its lock files stay
        }
        for (Map.Entry<String, Long> holding : node.held.entrySet()) {
          if (locks.release(holding.getKey(), holding.getValue())) {
            node.publisher.released(holding.getKey(), holding.getValue(), "simulation over");
            counts.merge("releases", 1L, Long::sum);
          }
        }
      }
    } finally {
      for (Node node : fleet) {
        node.publisher.close();
      }
      if (trigger != null) {
        trigger.close();
      }
    }
    StringBuilder summary = new StringBuilder("done:");
    counts.forEach(
        (key, value) -> summary.append(' ').append(value).append(' ').append(key).append(','));
    say(out, start, summary.substring(0, summary.length() - 1));
    return 0;
  }

  private void tick(
      PrintWriter out,
      long start,
      FileLockDirectory locks,
      Node node,
      String lockId,
      long elapsed,
      Duration beat,
      Map<String, Long> counts,
      boolean mayAcquire)
      throws Exception {
    if (node.silent(elapsed)) {
      return;
    }
    if (elapsed >= node.resumeAt && !node.resumed) {
      node.resumed = true;
      say(out, start, node.identity.getNodeId() + " resumes after its pause");
    }
    Long token = node.held.get(lockId);
    if (token == null) {
      var acquired =
          mayAcquire ? locks.tryAcquire(lockId, node.identity) : java.util.Optional.<Long>empty();
      if (acquired.isPresent()) {
        node.held.put(lockId, acquired.get());
        node.sequences.put(lockId, 0L);
        node.publisher.acquired(lockId, acquired.get(), beat);
        counts.merge("acquires", 1L, Long::sum);
        // What the lock guards: the holder writes it, fenced by its token.
        locks.fencedWrite(
            resource(lockId),
            acquired.get(),
            node.identity.getNodeId() + " token " + acquired.get() + "\n");
      }
      return;
    }
    // Like a real holder coming back from a pause: it heartbeats first, then learns.
    node.publisher.heartbeat(lockId, token).get(30, TimeUnit.SECONDS);
    long sequence = node.sequences.merge(lockId, 1L, Long::sum);
    if (locks.heartbeat(lockId, token, sequence)) {
      counts.merge("heartbeats", 1L, Long::sum);
      return;
    }
    counts.merge("zombie heartbeats", 1L, Long::sum);
    if (!locks.fencedWrite(
        lockId.replace(".conf", ".data"),
        token,
        node.identity.getNodeId() + " token " + token + "\n")) {
      counts.merge("refused writes", 1L, Long::sum);
      say(
          out,
          start,
          node.identity.getNodeId()
              + " lost "
              + lockId
              + " (token "
              + token
              + " was reclaimed); its write with that token was refused");
    } else {
      say(
          out,
          start,
          node.identity.getNodeId() + " lost " + lockId + " (token " + token + " was reclaimed)");
    }
    counts.merge("lost locks", 1L, Long::sum);
    node.held.remove(lockId);
  }

  private static String resource(String lockId) {
    return lockId.replace(".conf", ".data");
  }

  private static Node node(List<Node> fleet, String name) {
    return fleet.stream()
        .filter(node -> node.identity.getNodeId().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new UsageException(
                    "No node " + name + " (nodes are node-1 to node-" + fleet.size() + ")"));
  }

  private static String[] split(String value, String separator, String usage) {
    int at = value.indexOf(separator);
    if (at <= 0 || at == value.length() - 1) {
      throw new UsageException(usage + ", not " + value);
    }
    return new String[] {value.substring(0, at), value.substring(at + 1)};
  }

  private static void say(PrintWriter out, long start, String line) {
    synchronized (out) {
      out.printf("  +%5.1fs  %s%n", (System.nanoTime() - start) / 1e9, line);
      out.flush();
    }
  }
}
