package io.lockwatch.devtools;

import io.lockwatch.cli.IncidentStory;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.KafkaHistory;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.Progress;
import io.lockwatch.cli.output.Times;
import io.lockwatch.cli.postmortem.Postmortem;
import io.lockwatch.cli.postmortem.PostmortemHtml;
import io.lockwatch.cli.postmortem.PostmortemText;
import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.client.ReclaimTrigger;
import io.lockwatch.client.filelock.FileLockDirectory;
import io.lockwatch.client.filelock.FileLockReclaimer;
import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.LockwatchApp;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The node-7 incident, live on the embedded stack and compressed in time (heartbeats every second,
 * so the threshold is 3 s): the streams app watches, a reclaim trigger with the file-lock reclaimer
 * acts, and two simulated holders play the story on a lock directory.
 *
 * <p>node-3 holds aim_lock_config.conf and releases it; node-7 takes it, heartbeats three times and
 * freezes (its process hangs; the lock file stays); Lockwatch flags the lock and commands a reclaim
 * with node-7's token; the trigger removes the lock file; node-3 takes the lock with the next token
 * and writes the config; node-7 wakes up, heartbeats with its old token (a zombie, which Lockwatch
 * alerts) and tries to write the config: refused by the fence.
 */
public final class Node7Scenario {
  public static final String LOCK = "aim_lock_config.conf";
  public static final HolderIdentity NODE_3 = holder("node-3", 3117, "5d0c9e21");
  public static final HolderIdentity NODE_7 = holder("node-7", 4242, "b3f1c2d4");
  public static final String TRIGGER = "reclaim-trigger@node-2";

  /** What happened, for the demo's summary and the end-to-end test. */
  public record Result(
      long node7Token,
      ReclaimCommand command,
      List<ReclaimTrigger.Outcome> outcomes,
      long nextToken,
      Alert zombieAlert,
      boolean nextWriteAccepted,
      boolean zombieWriteRefused,
      Instant from,
      Instant to,
      Path report,
      Incident incident) {

    /** When the threshold was crossed, by Lockwatch's observation of the last heartbeat. */
    public Instant thresholdCrossing() {
      return command.getLastHeartbeatObservedAt().plusMillis(command.getThresholdMs());
    }
  }

  private final DevStack stack;
  private final Path workDir;
  private final PrintWriter out;
  private final Duration interval;
  private final long startNanos = System.nanoTime();
  private final List<ReclaimTrigger.Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private final List<Incident> incidents = new CopyOnWriteArrayList<>();
  private volatile boolean tailing = true;

  public Node7Scenario(DevStack stack, Path workDir, PrintWriter out, Duration interval) {
    this.stack = stack;
    this.workDir = workDir;
    this.out = out;
    this.interval = interval;
  }

  public Result run() throws Exception {
    Map<String, Object> client = new HashMap<>(stack.clientConfig());
    Map<String, String> settings = new HashMap<>();
    client.forEach((key, value) -> settings.put(key, String.valueOf(value)));
    settings.put("lockwatch.application.id", "lockwatch-demo");
    settings.put("lockwatch.http.port", "0");
    settings.put("lockwatch.topics.partitions", "3");
    settings.put("state.dir", workDir.resolve("streams-state").toAbsolutePath().toString());
    LockwatchConfig config = LockwatchConfig.of(settings);
    FileLockDirectory locks = new FileLockDirectory(workDir.resolve("locks"));
    Instant from = Instant.now().minusSeconds(1);

    try (LockwatchApp app = LockwatchApp.start(config)) {
      await(
          "the streams app to run",
          Duration.ofSeconds(60),
          () -> app.streams().state() == KafkaStreams.State.RUNNING);
      say(
          "Lockwatch streams app running (exactly_once_v2), HTTP API on http://127.0.0.1:"
              + app.httpPort());
      Thread tail = new Thread(() -> tail(TopicCatalog.fromConfig(client)), "demo-tail");
      tail.setDaemon(true);
      tail.start();
      try (ReclaimTrigger trigger =
              ReclaimTrigger.builder(client, new FileLockReclaimer(locks))
                  .groupId("lockwatch-demo-trigger")
                  .actor(TRIGGER)
                  .maxReclaimsPerMinute(10)
                  .onOutcome(this::outcome)
                  .build()
                  .start();
          LockEventPublisher node3 = LockEventPublisher.create(client, NODE_3);
          LockEventPublisher node7 = LockEventPublisher.create(client, NODE_7)) {
        say(
            "Reclaim trigger "
                + TRIGGER
                + " consuming reclaim commands, file-lock reclaimer on "
                + locks.dir());
        locks.issueAfter(LOCK, 40);

        long first = locks.tryAcquire(LOCK, NODE_3).orElseThrow();
        node3.acquired(LOCK, first, interval).get(30, TimeUnit.SECONDS);
        say(
            "node-3 acquired "
                + LOCK
                + " (token "
                + first
                + "), heartbeat every "
                + Times.duration(interval));
        for (long seq = 1; seq <= 2; seq++) {
          Thread.sleep(interval.toMillis());
          locks.heartbeat(LOCK, first, seq);
          node3.heartbeat(LOCK, first);
        }
        locks.release(LOCK, first);
        node3.released(LOCK, first, "update cycle finished").get(30, TimeUnit.SECONDS);
        say("node-3 released " + LOCK);

        long token = locks.tryAcquire(LOCK, NODE_7).orElseThrow();
        node7.acquired(LOCK, token, interval).get(30, TimeUnit.SECONDS);
        say(
            "node-7 acquired "
                + LOCK
                + " (token "
                + token
                + "), heartbeat every "
                + Times.duration(interval));
        for (long seq = 1; seq <= 3; seq++) {
          Thread.sleep(interval.toMillis());
          locks.heartbeat(LOCK, token, seq);
          node7.heartbeat(LOCK, token).get(30, TimeUnit.SECONDS);
          say("node-7 heartbeat " + seq);
        }
        say(
            "node-7 hangs: its heartbeat freezes, the lock file stays (threshold "
                + Times.duration(interval.multipliedBy(3))
                + ")");

        await("the trigger to reclaim " + LOCK, Duration.ofSeconds(30), () -> !outcomes.isEmpty());
        long next = locks.tryAcquire(LOCK, NODE_3).orElseThrow();
        node3.acquired(LOCK, next, interval).get(30, TimeUnit.SECONDS);
        say("node-3 acquired " + LOCK + " (token " + next + ", +" + (next - token) + ")");
        boolean nextWrite =
            locks.fencedWrite(LOCK, next, "fleet settings v2 (node-3, token " + next + ")\n");
        say(
            "node-3 wrote the config with token "
                + next
                + ": "
                + (nextWrite ? "accepted" : "REFUSED"));

        node7.heartbeat(LOCK, token).get(30, TimeUnit.SECONDS);
        say("node-7 wakes up and heartbeats with its old token " + token);
        boolean zombieWrite =
            locks.fencedWrite(LOCK, token, "stale settings (node-7, token " + token + ")\n");
        say(
            "node-7 tries to write the config with token "
                + token
                + ": "
                + (zombieWrite ? "ACCEPTED" : "refused (the fence has seen token " + next + ")"));
        await("the zombie alert", Duration.ofSeconds(30), () -> zombie() != null);

        Thread.sleep(interval.toMillis());
        locks.heartbeat(LOCK, next, 1);
        node3.heartbeat(LOCK, next);
        locks.release(LOCK, next);
        node3.released(LOCK, next, "config pushed").get(30, TimeUnit.SECONDS);
        say("node-3 released " + LOCK);
        await("the incident's ALL CLEAR", Duration.ofSeconds(30), () -> allClear() != null);
        Instant to = Instant.now().plusSeconds(1);
        tailing = false;
        tail.join(5_000);

        Path report = workDir.resolve("postmortem-node-7.html");
        Postmortem postmortem = postmortem(client, config, from, to);
        out.println();
        PostmortemText.print(out, postmortem);
        Files.writeString(report, PostmortemHtml.render(postmortem), StandardCharsets.UTF_8);
        out.println("HTML report: " + report);
        Incident incident = allClear();
        return new Result(
            token,
            outcomes.get(0).command(),
            List.copyOf(outcomes),
            next,
            zombie(),
            nextWrite,
            !zombieWrite,
            from,
            to,
            report,
            incident);
      }
    }
  }

  private Postmortem postmortem(
      Map<String, Object> client, LockwatchConfig config, Instant from, Instant to)
      throws Exception {
    Postmortem postmortem =
        new Postmortem(new Times(ZoneOffset.UTC), Selection.lock(LOCK), from, to);
    Timeline.walk(
        new KafkaHistory(
            client, TopicCatalog.fromConfig(client), Duration.ofSeconds(30), Progress.NONE),
        from,
        to,
        Selection.lock(LOCK),
        new HistoryFold(new LockStateMachine(config.watchPolicy())),
        postmortem);
    return postmortem;
  }

  private Incident allClear() {
    return incidents.stream()
        .filter(incident -> incident.getLockId().equals(LOCK))
        .filter(incident -> incident.getResolution() == IncidentResolution.ALL_CLEAR)
        .findFirst()
        .orElse(null);
  }

  private Alert zombie() {
    return alerts.stream()
        .filter(alert -> alert.getReason() == AlertReason.ZOMBIE_HEARTBEAT)
        .findFirst()
        .orElse(null);
  }

  private void outcome(ReclaimTrigger.Outcome outcome) {
    outcomes.add(outcome);
    say(
        TRIGGER
            + (outcome.result().reclaimed()
                ? " reclaimed "
                    + outcome.command().getLockId()
                    + ": lock file of token "
                    + outcome.command().getFencingToken()
                    + " removed"
                : " refused the reclaim: " + outcome.result().reason()));
  }

  /** Prints Lockwatch's alerts and commands as they arrive. */
  private void tail(TopicCatalog catalog) {
    Map<String, Object> config = new HashMap<>(stack.clientConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    try (KafkaConsumer<String, Object> consumer =
        new KafkaConsumer<>(
            config,
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new DemoDeserializer(catalog))) {
      List<TopicPartition> partitions = new java.util.ArrayList<>();
      for (String topic :
          List.of(
              catalog.alerts().name(),
              catalog.reclaimCommands().name(),
              catalog.incidents().name())) {
        consumer
            .partitionsFor(topic)
            .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      // A command and its STALE alert are written in one transaction, to two topics: a poll can
      // return either first. Print a command after its alert (or after a second without one).
      List<ReclaimCommand> waiting = new java.util.ArrayList<>();
      Map<ReclaimCommand, Long> waitingSince = new HashMap<>();
      while (tailing) {
        List<ReclaimCommand> commands = new java.util.ArrayList<>(waiting);
        for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(100))) {
          if (record.value() instanceof Alert alert) {
            alerts.add(alert);
            say("Lockwatch alert " + alert.getReason() + ": " + alert.getMessage());
          } else if (record.value() instanceof Incident incident) {
            Incident before =
                incidents.stream()
                    .filter(seen -> seen.getIncidentId().equals(incident.getIncidentId()))
                    .reduce((first, second) -> second)
                    .orElse(null);
            incidents.add(incident);
            say(
                "Lockwatch incident "
                    + incident.getIncidentId()
                    + " "
                    + incident.getState()
                    + ": "
                    + IncidentStory.change(before, incident));
          } else if (record.value() instanceof ReclaimCommand command) {
            commands.add(command);
            waitingSince.put(command, System.nanoTime());
          }
        }
        waiting.clear();
        for (ReclaimCommand command : commands) {
          boolean alerted =
              alerts.stream()
                  .anyMatch(
                      alert ->
                          alert.getReason() == AlertReason.STALE_LOCK_DETECTED
                              && alert.getLockId().equals(command.getLockId())
                              && Long.valueOf(command.getFencingToken())
                                  .equals(alert.getFencingToken()));
          if (!alerted && System.nanoTime() - waitingSince.get(command) < 1_000_000_000L) {
            waiting.add(command);
            continue;
          }
          waitingSince.remove(command);
          Instant crossing =
              command.getLastHeartbeatObservedAt().plusMillis(command.getThresholdMs());
          say(
              "Lockwatch reclaim command "
                  + command.getCommandId()
                  + " for token "
                  + command.getFencingToken()
                  + ", last heartbeat seq "
                  + command.getLastHeartbeatSequence()
                  + " (issued "
                  + Times.duration(Duration.between(crossing, command.getIssuedAt()))
                  + " after the threshold crossing)");
        }
      }
    }
  }

  private void say(String line) {
    synchronized (out) {
      out.printf("  +%5.1fs  %s%n", (System.nanoTime() - startNanos) / 1e9, line);
      out.flush();
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "Gave up waiting for " + what + " after " + timeout.toSeconds() + " s");
      }
      Thread.sleep(20);
    }
  }

  private static HolderIdentity holder(String node, long pid, String incarnation) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet.local")
        .setPid(pid)
        .setIncarnation(incarnation)
        .build();
  }

  /** Decodes alerts and commands by topic. */
  private static final class DemoDeserializer
      implements org.apache.kafka.common.serialization.Deserializer<Object> {
    private final TopicCatalog catalog;

    DemoDeserializer(TopicCatalog catalog) {
      this.catalog = catalog;
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
      if (topic.equals(catalog.alerts().name())) {
        return catalog.alerts().valueSerde().deserializer().deserialize(topic, data);
      }
      if (topic.equals(catalog.incidents().name())) {
        return catalog.incidents().valueSerde().deserializer().deserialize(topic, data);
      }
      return catalog.reclaimCommands().valueSerde().deserializer().deserialize(topic, data);
    }
  }
}
