package io.lockwatch.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.lockwatch.client.LockEventPublisher;
import io.lockwatch.client.ReclaimResult;
import io.lockwatch.client.ReclaimTrigger;
import io.lockwatch.core.LockJson;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.SwitchableProxy;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.contract.LockPartitioner;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.DeadLetterHeaders;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.ChaosVerifier.Command;
import io.lockwatch.streams.ChaosVerifier.InputEvent;
import io.lockwatch.streams.ChaosVerifier.Judged;
import io.lockwatch.streams.ChaosVerifier.Report;
import io.lockwatch.streams.ChaosVerifier.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The chaos suite's engine: two Lockwatch instances (JVMs of their own) and a reclaim trigger on a
 * three-node cluster, a fleet of holders that heartbeat or freeze, and faults injected one phase at
 * a time. Each phase freezes holdings of its own a few seconds before its fault, so their threshold
 * passes while the fault is on. At the end the live holders release their locks, and {@link
 * ChaosVerifier} judges the commands against the input log.
 */
final class ChaosRun implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofSeconds(2);
  static final Duration THRESHOLD = INTERVAL.multipliedBy(3);
  private static final Duration SLACK = Duration.ofMillis(500);

  /** Live holdings per input partition: one of each holder node, so every task sees them all. */
  private static final int LIVE_PER_PARTITION = 3;

  private static final int PARTITIONS = 6;
  private static final int FROZEN_PER_FAULT = 3;
  private static final int NODES = 3;
  private static final Duration FAULT_AFTER_FREEZE = Duration.ofSeconds(4);
  private static final Duration PHASE = Duration.ofSeconds(20);

  /** A fault, injected {@link #FAULT_AFTER_FREEZE} after its phase's holdings freeze. */
  enum Fault {
    KILL_INSTANCE("kill -9 of instance a, restarted at once, state kept") {
      @Override
      void inject(ChaosRun run) throws Exception {
        run.a.kill();
        run.a.start();
      }
    },
    KILL_INSTANCE_WIPED("kill -9 of instance b, state directory wiped, restarted") {
      @Override
      void inject(ChaosRun run) throws Exception {
        run.b.kill();
        run.b.wipeState();
        run.b.start();
      }
    },
    KILL_INSTANCE_DOWN("kill -9 of instance a, down for 10 s, restarted") {
      @Override
      void inject(ChaosRun run) throws Exception {
        run.a.kill();
        Thread.sleep(10_000);
        run.a.start();
      }
    },
    SIGSTOP_INSTANCE("SIGSTOP of instance b for 12 s (past threshold and session), SIGCONT") {
      @Override
      void inject(ChaosRun run) throws Exception {
        run.b.pause();
        try {
          Thread.sleep(12_000);
        } finally {
          run.b.resume();
        }
      }
    },
    LEADER_BROKER("the broker leading lock-events partition 0 killed, back after 10 s") {
      @Override
      void inject(ChaosRun run) throws Exception {
        int leader = run.stack.kafka().leaderOf(run.topics.lockEvents().name(), 0);
        run.stack.kafka().stopNode(leader);
        Thread.sleep(10_000);
        run.stack.kafka().startNode(leader);
      }
    },
    REGISTRY_DOWN("the schema registry unreachable for both instances for 10 s") {
      @Override
      void inject(ChaosRun run) throws Exception {
        run.registryProxy.up(false);
        try {
          run.sendPoison(PoisonKind.NEWER_SCHEMA); // a schema the app must fetch while it is away
          Thread.sleep(10_000);
        } finally {
          run.registryProxy.up(true);
        }
      }
    },
    CLOCK_STEP(
        "instance a's clock stepped 10 minutes ahead (libfaketime), and left there; both instances"
            + " keep judging") {
      @Override
      void inject(ChaosRun run) throws Exception {
        if (run.clockOfA == null) {
          System.out.println(
              "Chaos: libfaketime is not installed (apt-get install faketime); no step");
          return;
        }
        Files.writeString(run.clockOfA, "+600s\n");
      }
    },
    POISON("a poison record of every kind on the lock events") {
      @Override
      void inject(ChaosRun run) throws Exception {
        for (PoisonKind kind : PoisonKind.values()) {
          if (kind != PoisonKind.NEWER_SCHEMA) {
            run.sendPoison(kind);
          }
        }
      }
    },
    MASS_FREEZE(
        "every holding of two of the three holder nodes freezes at once: held for approval (one"
            + " MASS_STALE per partition), then approved by an operator") {
      @Override
      void inject(ChaosRun run) throws Exception {
        run.massFreeze();
      }
    };

    final String description;

    Fault(String description) {
      this.description = description;
    }

    abstract void inject(ChaosRun run) throws Exception;
  }

  /** Records the app must dead-letter (all but {@link #NEWER_SCHEMA}, which it must apply). */
  enum PoisonKind {
    NOT_AVRO,
    WRONG_MAGIC_BYTE,
    UNKNOWN_SCHEMA_ID,
    TRUNCATED_AVRO,
    NULL_VALUE,
    EMPTY_LOCK_ID,
    ZERO_TOKEN,
    KEY_NOT_LOCK_ID,
    WRONG_PARTITION,
    NEWER_SCHEMA
  }

  private record Phase(Fault fault, List<String> frozen, long frozenAt, long injectedAt) {}

  private record Beat(LockEventPublisher publisher, long token) {}

  private final DevStack stack;
  private final SwitchableProxy registryProxy;
  private final Map<String, Object> clientConfig;
  private final TopicCatalog topics;
  private final LockwatchProcess a;
  private final LockwatchProcess b;
  private final ReclaimTrigger trigger;
  private final List<LockEventPublisher> nodes = new ArrayList<>();
  private final Map<String, Beat> beating = new ConcurrentHashMap<>();
  private final Map<String, Beat> all = new LinkedHashMap<>();
  private final List<String> spares = new ArrayList<>();
  private final List<Phase> phases = new ArrayList<>();
  private final Map<PoisonKind, Integer> poisonSent = new TreeMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong heartbeatsSent = new AtomicLong();
  private final AtomicLong heartbeatsFailed = new AtomicLong();
  private final Thread heartbeats;
  private final Path work;
  // libfaketime's spec file for instance a's clock, when CLOCK_STEP is among the faults.
  private final Path clockOfA;

  private ChaosRun(Path work, DevStack stack, List<Fault> faults) throws Exception {
    this.work = work;
    this.clockOfA = faults.contains(Fault.CLOCK_STEP) ? faketimeSpec(work) : null;
    this.stack = stack;
    String prefix = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> config = new HashMap<>(stack.clientConfig());
    config.putAll(TopicCatalog.namedWithPrefix(prefix));
    this.clientConfig = Map.copyOf(config);
    this.topics = TopicCatalog.fromConfig(clientConfig);
    this.registryProxy = new SwitchableProxy(stack.registry().port());
    Map<String, Object> settings = new HashMap<>(clientConfig);
    settings.put(
        "schema.registry.url",
        stack.registryUrl().replace(":" + stack.registry().port(), ":" + registryProxy.port()));
    settings.put("lockwatch.application.id", prefix);
    settings.put("lockwatch.check.interval.ms", 100);
    settings.put("lockwatch.topics.partitions", PARTITIONS);
    // The fleet has three holder nodes: two silent together must engage the brake (MASS_FREEZE).
    settings.put("lockwatch.brake.min-nodes", 2);
    Map<String, String> environmentOfA =
        clockOfA == null
            ? Map.of()
            : Map.of(
                "LD_PRELOAD",
                faketimeLibrary().orElseThrow().toString(),
                "FAKETIME_DONT_FAKE_MONOTONIC",
                "1",
                "FAKETIME_TIMESTAMP_FILE",
                clockOfA.toString(),
                "FAKETIME_CACHE_DURATION",
                "1");
    this.a =
        LockwatchProcess.launch(
            work, "a", with(settings, "lockwatch.instance.id", "a"), environmentOfA);
    LockwatchProcess launched = null;
    try {
      launched = LockwatchProcess.launch(work, "b", with(settings, "lockwatch.instance.id", "b"));
      a.awaitReady(Duration.ofSeconds(120));
      launched.awaitReady(Duration.ofSeconds(120));
    } catch (Exception | Error e) {
      a.close();
      if (launched != null) {
        launched.close();
      }
      registryProxy.close();
      throw e;
    }
    this.b = launched;
    this.trigger =
        ReclaimTrigger.builder(clientConfig, command -> ReclaimResult.released())
            .groupId(prefix + "-trigger")
            .actor("chaos-trigger")
            .maxReclaimsPerMinute(10_000)
            .onOutcome(this::nextHolderTakes)
            .build()
            .start();
    for (int node = 0; node < NODES; node++) {
      nodes.add(LockEventPublisher.create(clientConfig, holder("node-" + node)));
    }
    // Holdings are given to nodes round-robin within each input partition, and the first three of
    // each partition stay live: every task then hears every node, as a fleet larger than this one
    // would show it (the mass-stale brake counts nodes per partition).
    int[] perPartition = new int[PARTITIONS];
    int spareCount = faults.size() * FROZEN_PER_FAULT;
    for (int i = 0; spares.size() < spareCount || live() < PARTITIONS * LIVE_PER_PARTITION; i++) {
      String lockId = "chaos-" + i + ".conf";
      int partition = LockPartitioner.partitionOf(lockId, PARTITIONS);
      int index = perPartition[partition]++;
      boolean live = index < LIVE_PER_PARTITION;
      if (!live && spares.size() >= spareCount) {
        continue;
      }
      Beat beat = new Beat(nodes.get(index % NODES), 100 + i);
      beat.publisher().acquired(lockId, beat.token(), INTERVAL).get(30, TimeUnit.SECONDS);
      all.put(lockId, beat);
      beating.put(lockId, beat);
      if (!live) {
        spares.add(lockId);
      }
    }
    this.heartbeats = new Thread(this::beat, "chaos-heartbeats");
    heartbeats.start();
  }

  /**
   * Starts the cluster, the instances, the trigger and a fleet with holdings for {@code faults}.
   */
  static ChaosRun start(Path work, List<Fault> faults) throws Exception {
    DevStack stack = DevStack.startReplicated();
    try {
      return new ChaosRun(work, stack, faults);
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  /**
   * After a reclaim, the lock's next holder (the last node, never frozen) takes it on a higher
   * token and beats until the end, as a fleet does: the incident then recovers to ALL CLEAR.
   */
  private void nextHolderTakes(ReclaimTrigger.Outcome outcome) {
    if (!outcome.result().reclaimed() || !running.get()) {
      return;
    }
    String lockId = outcome.command().getLockId();
    Beat next = new Beat(nodes.get(NODES - 1), outcome.command().getFencingToken() + 1_000);
    try {
      next.publisher().acquired(lockId, next.token(), INTERVAL).get(30, TimeUnit.SECONDS);
      beating.put(lockId, next);
      nextHoldings.incrementAndGet();
    } catch (Exception e) {
      System.out.println("Chaos: the next holder could not take " + lockId + ": " + e);
    }
  }

  private final java.util.concurrent.atomic.AtomicInteger nextHoldings =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Incidents as the app published them (latest revision of each), and their figures. */
  String incidentFigures() throws Exception {
    Map<String, io.lockwatch.events.Incident> latest = new TreeMap<>();
    String topic = topics.incidents().name();
    for (ConsumerRecord<byte[], byte[]> record :
        BoundedTopicReader.readAll(clientConfig, topic, Duration.ofSeconds(30))) {
      io.lockwatch.events.Incident incident =
          topics.incidents().valueSerde().deserializer().deserialize(topic, record.value());
      latest.merge(
          incident.getIncidentId(), incident, (a, b) -> a.getRevision() > b.getRevision() ? a : b);
    }
    Map<String, Integer> ends = new TreeMap<>();
    List<Long> detect = new ArrayList<>();
    List<Long> recover = new ArrayList<>();
    List<Long> toConfirm = new ArrayList<>();
    List<Long> confirmToClear = new ArrayList<>();
    for (io.lockwatch.events.Incident incident : latest.values()) {
      if (incident.getReclaimConfirmedAt() != null) {
        toConfirm.add(
            Duration.between(incident.getDetectedAt(), incident.getReclaimConfirmedAt())
                .toMillis());
        if (incident.getResolvedAt() != null) {
          confirmToClear.add(
              Duration.between(incident.getReclaimConfirmedAt(), incident.getResolvedAt())
                  .toMillis());
        }
      }
      ends.merge(
          incident.getResolution() != null
              ? incident.getResolution().name()
              : incident.getState().name(),
          1,
          Integer::sum);
      detect.add(incident.getTimeToDetectMs());
      if (incident.getTimeToRecoverMs() != null) {
        recover.add(incident.getTimeToRecoverMs());
      }
    }
    return String.format(
        "%d incidents %s (%d next holdings); time to detect p50 %s, max %s; time to recover"
            + " (last heartbeat to ALL CLEAR) p50 %s, max %s; of which detection to the"
            + " trigger's confirmation p50 %s, max %s, and confirmation to ALL CLEAR p50 %s,"
            + " max %s",
        latest.size(),
        ends,
        nextHoldings.get(),
        seconds(percentile(detect, 50)),
        seconds(percentile(detect, 100)),
        seconds(percentile(recover, 50)),
        seconds(percentile(recover, 100)),
        seconds(percentile(toConfirm, 50)),
        seconds(percentile(toConfirm, 100)),
        seconds(percentile(confirmToClear, 50)),
        seconds(percentile(confirmToClear, 100)));
  }

  private static Long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return null;
    }
    List<Long> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static String seconds(Long millis) {
    return millis == null ? "-" : String.format("%.1f s", millis / 1000.0);
  }

  private int live() {
    return all.size() - spares.size();
  }

  /** One phase per fault: freeze its holdings, inject the fault, let the phase run out. */
  void run(List<Fault> faults) throws Exception {
    Thread.sleep(INTERVAL.multipliedBy(3).toMillis()); // the fleet settles
    for (Fault fault : faults) {
      long start = System.currentTimeMillis();
      List<String> frozen = new ArrayList<>(spares.subList(0, FROZEN_PER_FAULT));
      spares.removeAll(frozen);
      frozen.forEach(beating::remove);
      Thread.sleep(FAULT_AFTER_FREEZE.toMillis());
      long injected = System.currentTimeMillis();
      System.out.printf("Chaos: %s (frozen %s)%n", fault.description, frozen);
      fault.inject(this);
      phases.add(new Phase(fault, frozen, start, injected));
      Thread.sleep(Math.max(0, start + PHASE.toMillis() - System.currentTimeMillis()));
    }
  }

  /**
   * Waits for the frozen holdings' commands and their outcomes, releases the live locks, gives the
   * app a threshold to reclaim one wrongly, then judges everything from the logs.
   */
  Result verify() throws Exception {
    Set<String> frozen = new TreeSet<>(all.keySet());
    frozen.removeAll(beating.keySet());
    awaitCommands(frozen, Duration.ofSeconds(120));
    running.set(false);
    heartbeats.join();
    for (Map.Entry<String, Beat> live : beating.entrySet()) {
      live.getValue().publisher().released(live.getKey(), live.getValue().token(), "chaos: done");
    }
    nodes.forEach(LockEventPublisher::flush);
    Thread.sleep(THRESHOLD.plusSeconds(3).toMillis());
    List<Command> commands = commands();
    int unfolded = awaitOutcomesFolded(commands, Duration.ofSeconds(60));
    long observedUpTo = System.currentTimeMillis();
    List<InputEvent> inputs = inputs();
    Report report =
        ChaosVerifier.verify(
            inputs,
            commands,
            THRESHOLD,
            SLACK,
            observedUpTo,
            lockId ->
                logOutages.getOrDefault(
                    LockPartitioner.partitionOf(lockId, PARTITIONS), List.of()));
    Map<String, Integer> deadLetters = new TreeMap<>();
    Map<String, Integer> deadLetteredOffsets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record :
        BoundedTopicReader.readAll(
            clientConfig, topics.deadLetter().name(), Duration.ofSeconds(30))) {
      deadLetters.merge(header(record, DeadLetterHeaders.REASON), 1, Integer::sum);
      deadLetteredOffsets.merge(
          header(record, DeadLetterHeaders.PARTITION)
              + "@"
              + header(record, DeadLetterHeaders.OFFSET),
          1,
          Integer::sum);
    }
    return new Result(
        report,
        unfolded,
        deadLetters,
        deadLetteredOffsets.values().stream().mapToInt(n -> n - 1).sum(),
        poisonSent.entrySet().stream()
            .filter(sent -> sent.getKey() != PoisonKind.NEWER_SCHEMA)
            .mapToInt(Map.Entry::getValue)
            .sum(),
        table(report));
  }

  /** What the run found; {@code table} is the Markdown printed for docs/reliability.md. */
  record Result(
      Report report,
      int outcomesNotFolded,
      Map<String, Integer> deadLettersByReason,
      int deadLetterDuplicates,
      int poisonRecordsSent,
      String table) {
    int deadLetters() {
      return deadLettersByReason.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private String table(Report report) {
    StringBuilder table = new StringBuilder();
    table.append(
        "| fault | holdings silent past the threshold | commands | duplicates | missed |"
            + " live reclaimed | first command after the threshold (max) |\n");
    table.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (int i = 0; i < phases.size(); i++) {
      Phase phase = phases.get(i);
      long end = i + 1 < phases.size() ? phases.get(i + 1).frozenAt() : Long.MAX_VALUE;
      List<Judged> inPhase =
          report.holdings().stream()
              .filter(
                  judged ->
                      judged.silentFrom() >= phase.frozenAt() - INTERVAL.toMillis()
                          && judged.silentFrom() < end - INTERVAL.toMillis())
              .toList();
      table.append(row(phase.fault().description, inPhase));
    }
    table.append(
        row("**all phases** (" + report.holdings().size() + " holdings)", report.holdings()));
    return table.toString();
  }

  private static String row(String name, List<Judged> holdings) {
    List<Judged> silent = holdings.stream().filter(j -> j.verdict() != Verdict.MUST_NOT).toList();
    long commands = holdings.stream().mapToLong(j -> j.commands().size()).sum();
    long duplicates = holdings.stream().mapToLong(j -> Math.max(0, j.commands().size() - 1)).sum();
    long missed =
        holdings.stream()
            .filter(j -> j.verdict() == Verdict.MUST && j.commands().isEmpty())
            .count();
    long live =
        holdings.stream()
            .filter(j -> j.verdict() == Verdict.MUST_NOT && !j.commands().isEmpty())
            .count();
    long maxDelay =
        silent.stream().mapToLong(j -> j.delayPastThresholdMs(THRESHOLD)).max().orElse(-1);
    return String.format(
        "| %s | %d | %d | %d | %d | %d | %s |%n",
        name,
        silent.size(),
        commands,
        duplicates,
        missed,
        live,
        maxDelay < 0 ? "-" : String.format("%.1f s", maxDelay / 1000.0));
  }

  Path work() {
    return work;
  }

  long heartbeatsSent() {
    return heartbeatsSent.get();
  }

  long heartbeatsFailed() {
    return heartbeatsFailed.get();
  }

  private void beat() {
    while (running.get()) {
      beating.forEach(
          (lockId, beat) ->
              beat.publisher()
                  .heartbeat(lockId, beat.token())
                  .whenComplete(
                      (sent, error) ->
                          (error == null ? heartbeatsSent : heartbeatsFailed).incrementAndGet()));
      try {
        Thread.sleep(INTERVAL.toMillis() / 2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private int massStaleAlerts;

  /**
   * Freezes every holding of nodes 0 and 1 still beating, waits until the brake holds each of them
   * for approval (with its evidence; none commanded automatically), then approves each as an
   * operator would: each must then be reclaimed exactly once, as the verifier checks.
   */
  private void massFreeze() throws Exception {
    Set<String> silenced = new TreeSet<>();
    beating.forEach(
        (lockId, beat) -> {
          if (beat.publisher() != nodes.get(2)) {
            silenced.add(lockId);
          }
        });
    silenced.forEach(beating::remove);
    spares.removeAll(silenced);
    Map<String, Long> held = new TreeMap<>();
    var alerts = topics.alerts().valueSerde().deserializer();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (held.size() < silenced.size() && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
      held.clear();
      massStaleAlerts = 0;
      for (ConsumerRecord<byte[], byte[]> record :
          BoundedTopicReader.readAll(
              clientConfig, topics.alerts().name(), Duration.ofSeconds(30))) {
        Alert alert = alerts.deserialize(record.topic(), record.value());
        if (alert.getReason() == AlertReason.MASS_STALE) {
          massStaleAlerts++;
        } else if (alert.getReason() == AlertReason.RECLAIM_AWAITING_APPROVAL
            && "MASS_STALE".equals(alert.getEvidence().get("brake"))
            && silenced.contains(alert.getLockId())) {
          held.put(alert.getLockId(), alert.getFencingToken());
        }
      }
    }
    Set<String> commandedEarly = new TreeSet<>();
    commands().forEach(command -> commandedEarly.add(command.lockId()));
    commandedEarly.retainAll(silenced);
    System.out.printf(
        "Chaos: mass freeze of %d holdings on 2 of 3 nodes: %d held for approval, %d MASS_STALE"
            + " alert(s), %d commanded without approval%n",
        silenced.size(), held.size(), massStaleAlerts, commandedEarly.size());
    if (!commandedEarly.isEmpty() || !held.keySet().equals(silenced)) {
      throw new AssertionError(
          "the brake did not hold the mass freeze: held "
              + held.keySet()
              + " of "
              + silenced
              + ", commanded without approval "
              + commandedEarly);
    }
    var serializer = topics.operatorActions().valueSerde().serializer();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", clientConfig.get("bootstrap.servers")),
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      for (Map.Entry<String, Long> lock : held.entrySet()) {
        OperatorAction approve =
            OperatorAction.newBuilder()
                .setActionId(UUID.randomUUID().toString())
                .setLockId(lock.getKey())
                .setType(OperatorActionType.APPROVE_RECLAIM)
                .setFencingToken(lock.getValue())
                .setOperator("chaos-operator")
                .setReason("checked: nodes 0 and 1 are down")
                .setRequestedAt(java.time.Instant.now())
                .build();
        producer.send(
            new ProducerRecord<>(
                topics.operatorActions().name(),
                lock.getKey(),
                serializer.serialize(topics.operatorActions().name(), approve)));
      }
      producer.flush();
    }
  }

  /** The MASS_STALE alerts the mass freeze raised (0 when it did not run). */
  int massStaleAlerts() {
    return massStaleAlerts;
  }

  private void awaitCommands(Set<String> locks, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Set<String> commanded = new HashSet<>();
      commands().forEach(command -> commanded.add(command.lockId()));
      if (commanded.containsAll(locks)) {
        return;
      }
      Thread.sleep(1_000);
    }
  }

  /** Waits until the app shows every command's outcome folded; how many it does not. */
  private int awaitOutcomesFolded(List<Command> commands, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Command> pending = new ArrayList<>(commands);
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      pending.removeIf(this::folded);
      if (!pending.isEmpty()) {
        Thread.sleep(1_000);
      }
    }
    if (!pending.isEmpty()) {
      System.out.println("Chaos: outcomes not folded: " + pending);
    }
    return pending.size();
  }

  /** The lock is no longer waiting for that command's outcome. */
  private boolean folded(Command command) {
    try {
      var response = a.get("/locks/" + command.lockId());
      if (response.statusCode() != 200) {
        return false;
      }
      JsonNode lock = LockJson.MAPPER.readTree(response.body());
      return !("RECLAIM_PENDING".equals(lock.path("status").asText())
          && lock.path("fencingToken").asLong() == command.token());
    } catch (Exception notAnswering) {
      return false;
    }
  }

  private List<Command> commands() throws Exception {
    List<Command> commands = new ArrayList<>();
    var deserializer = topics.reclaimCommands().valueSerde().deserializer();
    for (ConsumerRecord<byte[], byte[]> record :
        BoundedTopicReader.readAll(
            clientConfig, topics.reclaimCommands().name(), Duration.ofSeconds(30))) {
      ReclaimCommand command = deserializer.deserialize(record.topic(), record.value());
      commands.add(
          new Command(
              command.getLockId(),
              command.getFencingToken(),
              command.getIssuedAt().toEpochMilli()));
    }
    return commands;
  }

  // Per input partition: spans in which it took no record at all (its leader gone), from the
  // last append before to the first after; read with the inputs.
  private final Map<Integer, List<long[]>> logOutages = new HashMap<>();

  private List<InputEvent> inputs() throws Exception {
    List<InputEvent> inputs = new ArrayList<>();
    var deserializer = topics.lockEvents().valueSerde().deserializer();
    Map<Integer, Long> lastAppend = new HashMap<>();
    logOutages.clear();
    for (ConsumerRecord<byte[], byte[]> record :
        BoundedTopicReader.readAll(
            clientConfig, topics.lockEvents().name(), Duration.ofSeconds(30))) {
      Long previous = lastAppend.put(record.partition(), record.timestamp());
      // Ticks come every 250 ms from each instance and holders beat every second: a longer pause
      // than the app's clock-jump bound in every record of a partition is an outage of its log.
      if (previous != null
          && record.timestamp() - previous
              > LockwatchTopology.DEFAULT_CLOCK_JUMP_BOUND.toMillis()) {
        logOutages
            .computeIfAbsent(record.partition(), partition -> new ArrayList<>())
            .add(new long[] {previous, record.timestamp()});
      }
      LockEvent event;
      try {
        event = deserializer.deserialize(record.topic(), record.value());
      } catch (RuntimeException poison) {
        continue;
      }
      if (event == null || !judged(event.getLockId())) {
        continue; // the poison records
      }
      inputs.add(
          new InputEvent(
              event.getLockId(), event.getFencingToken(), event.getType(), record.timestamp()));
    }
    return inputs;
  }

  /**
   * The fleet's locks, and the lock acquired under a newer schema while the registry was away: a
   * real holding that nobody heartbeats, which the app must fetch the schema for and reclaim.
   */
  private boolean judged(String lockId) {
    return all.containsKey(lockId) || lockId.equals(poisonLockId(PoisonKind.NEWER_SCHEMA));
  }

  private static String poisonLockId(PoisonKind kind) {
    return "poison-" + kind.name().toLowerCase(java.util.Locale.ROOT) + ".conf";
  }

  private void sendPoison(PoisonKind kind) throws Exception {
    String topic = topics.lockEvents().name();
    String lockId = poisonLockId(kind);
    Serializer<LockEvent> avro = topics.lockEvents().valueSerde().serializer();
    LockEvent valid =
        LockEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setLockId(lockId)
            .setType(LockEventType.ACQUIRED)
            .setFencingToken(1)
            .setHolder(holder("poisoner"))
            .setOccurredAt(Instant.now())
            .setSequence(0)
            .setHeartbeatIntervalMs(INTERVAL.toMillis())
            .build();
    byte[] wire = avro.serialize(topic, valid);
    ProducerRecord<byte[], byte[]> record =
        switch (kind) {
          case NOT_AVRO ->
              record(topic, lockId, "{\"lockId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
          case WRONG_MAGIC_BYTE -> {
            byte[] bytes = wire.clone();
            bytes[0] = 7;
            yield record(topic, lockId, bytes);
          }
          case UNKNOWN_SCHEMA_ID -> {
            byte[] bytes = wire.clone();
            ByteBuffer.wrap(bytes, 1, 4).putInt(987_654);
            yield record(topic, lockId, bytes);
          }
          case TRUNCATED_AVRO -> record(topic, lockId, Arrays.copyOf(wire, 9));
          case NULL_VALUE -> record(topic, lockId, null);
          case EMPTY_LOCK_ID -> {
            LockEvent empty = LockEvent.newBuilder(valid).setLockId("").build();
            yield record(topic, "", avro.serialize(topic, empty));
          }
          case ZERO_TOKEN ->
              record(
                  topic,
                  lockId,
                  avro.serialize(topic, LockEvent.newBuilder(valid).setFencingToken(0).build()));
          case KEY_NOT_LOCK_ID -> record(topic, "another-lock.conf", wire);
          case WRONG_PARTITION -> {
            int partitions = 6;
            int right =
                Utils.toPositive(Utils.murmur2(lockId.getBytes(StandardCharsets.UTF_8)))
                    % partitions;
            yield new ProducerRecord<>(
                topic, (right + 1) % partitions, lockId.getBytes(StandardCharsets.UTF_8), wire);
          }
          case NEWER_SCHEMA -> record(topic, lockId, newerSchemaWire(valid));
        };
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(clientConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(record).get(30, TimeUnit.SECONDS);
    }
    poisonSent.merge(kind, 1, Integer::sum);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  /** The event under a newer, compatible schema (an optional field more) that the app never saw. */
  private byte[] newerSchemaWire(LockEvent event) throws Exception {
    Schema current = LockEvent.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
    fields.add(
        new Schema.Field(
            "chaosRegion",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            "added by a newer producer",
            JsonProperties.NULL_VALUE));
    Schema newer =
        Schema.createRecord(
            current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    int id = topics.registry().register(topics.lockEvents().name() + "-value", newer);
    // Resolve the event's binary form into the newer schema, then write it under the new id.
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
    new SpecificDatumWriter<LockEvent>(LockEvent.class).write(event, encoder);
    encoder.flush();
    GenericRecord resolved =
        new GenericDatumReader<GenericRecord>(current, newer)
            .read(null, DecoderFactory.get().binaryDecoder(plain.toByteArray(), null));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(newer).write(resolved, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** Debian's libfaketime, if installed. */
  static java.util.Optional<Path> faketimeLibrary() throws java.io.IOException {
    try (var libs = Files.list(Path.of("/usr/lib"))) {
      return libs.map(dir -> dir.resolve("faketime/libfaketimeMT.so.1"))
          .filter(Files::isRegularFile)
          .findFirst();
    }
  }

  private static Path faketimeSpec(Path work) throws java.io.IOException {
    if (faketimeLibrary().isEmpty()) {
      return null;
    }
    return Files.writeString(work.resolve("faketime-a.txt"), "+0\n");
  }

  private static HolderIdentity holder(String node) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet")
        .setPid(1)
        .setIncarnation(node + "-1")
        .build();
  }

  private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
    Map<String, Object> copy = new HashMap<>(settings);
    copy.put(key, value);
    return copy;
  }

  @Override
  public void close() throws Exception {
    running.set(false);
    heartbeats.join();
    try (DevStack closingStack = stack;
        SwitchableProxy closingProxy = registryProxy;
        LockwatchProcess closingA = a;
        LockwatchProcess closingB = b;
        ReclaimTrigger closingTrigger = trigger) {
      nodes.forEach(LockEventPublisher::close);
    }
  }
}
