package io.lockwatch.benchmarks;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.SwitchableProxy;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.LockwatchApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * (s) Scale: one Lockwatch instance (its own JVM, {@code -Xmx512m}, exactly_once_v2, 6 partitions,
 * one stream thread) tracking {@code scaleLocks} locks that heartbeat every 30 s, on the embedded
 * stack. Reports the load, the detection delay of locks that freeze (in the first wave of deadline
 * checks, when every lock's first check falls due together), live locks wrongly reclaimed, heap and
 * RSS, the cost of a scrape and a page of locks, what a 10 s schema registry outage costs (with and
 * without a record under a schema the app has not seen), and the time from kill -9 to ready, with
 * the state directory kept and wiped, while the fleet keeps beating.
 */
final class ScaleBenchmark {
  private static final Duration INTERVAL = Duration.ofSeconds(30); // threshold 90 s
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Live locks frozen before each kill -9, to time the first judgements after the restart. */
  private static final int OUTAGE_VICTIMS = 20;

  private ScaleBenchmark() {}

  static void measure(int locks, int victims, Duration steady, int threads, boolean profile)
      throws Exception {
    Path work = Files.createTempDirectory("lockwatch-scale-");
    appJvmOptions = appJvmOptions(work, profile);
    try (DevStack stack = DevStack.startEphemeral();
        SwitchableProxy registryProxy = new SwitchableProxy(stack.registry().port())) {
      Map<String, Object> client = new HashMap<>(stack.clientConfig());
      client.putAll(TopicCatalog.namedWithPrefix("scale"));
      TopicCatalog topics = TopicCatalog.fromConfig(client);
      BenchmarkSupport.createTopics(stack.bootstrapServers(), topics);
      int port = freePort();
      StringBuilder properties = new StringBuilder();
      client.forEach((key, value) -> properties.append(key).append('=').append(value).append('\n'));
      properties.append("lockwatch.application.id=scale\n");
      properties.append("lockwatch.topics.partitions=" + BenchmarkSupport.PARTITIONS + "\n");
      properties.append("lockwatch.http.port=" + port + "\n");
      properties.append("state.dir=" + work.resolve("state") + "\n");
      properties.append("num.stream.threads=" + threads + "\n");
      // The app reaches the registry through a switch, to cut it off as an outage would.
      properties.append(
          "schema.registry.url="
              + stack
                  .registryUrl()
                  .replace(":" + stack.registry().port(), ":" + registryProxy.port())
              + "\n");
      Path config = Files.writeString(work.resolve("scale.properties"), properties);
      Path log = work.resolve("app.log");
      System.out.printf(
          "%n(s) Scale: %,d locks heartbeating every %ds (%,d events/s), %d of them freezing after"
              + " their acquire; app in its own JVM (-Xmx512m, %d stream thread(s)); log %s%n",
          locks, INTERVAL.toSeconds(), locks / INTERVAL.toSeconds(), victims, threads, log);
      Process app = launch(config, log);
      awaitReady(port, app, Duration.ofMinutes(3));
      Fleet fleet = new Fleet(stack.bootstrapServers(), topics, locks, victims);
      Commands commands = new Commands(client, topics);
      Sampler sampler = new Sampler(app.pid(), port);
      try {
        long loadStart = System.nanoTime();
        fleet.acquireAll();
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        System.out.printf("    bulk load: %,d acquires sent in %.1f s%n", locks, loadSeconds);
        fleet.startBeating();
        // The first wave: every lock's first check falls due 90 s after its acquire.
        long waveEnd = System.nanoTime() + INTERVAL.multipliedBy(3).plus(steady).toNanos();
        while (System.nanoTime() < waveEnd) {
          sampler.sample();
          commands.poll();
          Thread.sleep(5_000);
        }
        commands.poll();
        report(fleet, commands, sampler);
        scrape(port);
        sampler.fullGc();
        if (profile) {
          sampler.dumpRecording(work.resolve("wave.jfr"));
        }

        RegistryOutage outage =
            new RegistryOutage(registryProxy, topics, port, log, fleet, commands);
        outage.run(false, 3);
        outage.run(true, 4);

        Duration kept = restart(app, config, log, port, false, work, fleet, commands, 1);
        app = lastLaunched;
        Duration wiped = restart(app, config, log, port, true, work, fleet, commands, 2);
        app = lastLaunched;
        System.out.printf(
            "    kill -9 to ready: %.1f s with the state directory, %.1f s with it wiped%n",
            kept.toMillis() / 1e3, wiped.toMillis() / 1e3);
        Thread.sleep(10_000);
        commands.poll();
        System.out.printf(
            "    after the restarts: %,d live locks wrongly reclaimed, %d duplicate commands%n",
            commands.wrongful(fleet), commands.duplicates);
      } finally {
        fleet.close();
        commands.close();
        app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Process lastLaunched;

  /**
   * A 10 s schema registry outage for the app alone (the fleet still reaches it), with live locks
   * frozen so that their deadlines fall during and just after it: what it costs in detection delay,
   * replaced stream threads and restored state. With {@code newSchema}, a record written under a
   * schema registered during the outage (one optional field more), which the app must fetch.
   */
  private static final class RegistryOutage {
    private static final String NEWER_SCHEMA_LOCK = "scale-newer-schema";
    private final SwitchableProxy proxy;
    private final TopicCatalog topics;
    private final int port;
    private final Path log;
    private final Fleet fleet;
    private final Commands commands;

    RegistryOutage(
        SwitchableProxy proxy,
        TopicCatalog topics,
        int port,
        Path log,
        Fleet fleet,
        Commands commands) {
      this.proxy = proxy;
      this.topics = topics;
      this.port = port;
      this.log = log;
      this.fleet = fleet;
      this.commands = commands;
    }

    void run(boolean newSchema, int salt) throws Exception {
      Map<String, Instant> frozen = fleet.freezeForOutage(OUTAGE_VICTIMS, salt);
      // Last heartbeats up to one interval before the freeze: deadlines 60-90 s after it, so
      // from 5 s into the outage to 25 s after it.
      Thread.sleep(INTERVAL.multipliedBy(2).minusSeconds(5).toMillis());
      double replacedBefore = metric("lockwatch_stream_threads_replaced_total");
      double waitedBefore = metric("lockwatch_registry_unavailable_total");
      long logBefore = Files.size(log);
      long cut = System.nanoTime();
      proxy.up(false);
      long applied = -1;
      try {
        if (newSchema) {
          fleet.sendUnderNewerSchema(NEWER_SCHEMA_LOCK, newerSchema());
          fleet.outageVictims.put(NEWER_SCHEMA_LOCK, Instant.now());
        }
        Thread.sleep(10_000);
      } finally {
        proxy.up(true);
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      List<Long> delays = delaysMs(frozen.keySet());
      while ((delays.size() < frozen.size() || (newSchema && applied < 0))
          && System.nanoTime() < deadline) {
        Thread.sleep(1_000);
        commands.poll();
        delays = delaysMs(frozen.keySet());
        if (newSchema
            && applied < 0
            && get(port, "/locks/" + NEWER_SCHEMA_LOCK).statusCode() == 200) {
          applied = System.nanoTime();
        }
      }
      Collections.sort(delays);
      long restored = restoredSince(logBefore);
      System.out.printf(
          "    registry out 10 s (%s): %d of %d locks frozen into it reclaimed, delay after the"
              + " threshold p50 %d ms, max %d ms; stream threads replaced %d, records restored %,d,"
              + " records that waited for the registry %d%s%n",
          newSchema ? "a record under a new schema sent into it" : "no new schema",
          delays.size(),
          frozen.size(),
          percentile(delays, 50),
          delays.isEmpty() ? -1 : delays.get(delays.size() - 1),
          (long) (metric("lockwatch_stream_threads_replaced_total") - replacedBefore),
          restored,
          (long) (metric("lockwatch_registry_unavailable_total") - waitedBefore),
          newSchema
              ? String.format(
                  "; the new-schema record applied %.1f s after the cut",
                  applied < 0 ? -1 : (applied - cut) / 1e9)
              : "");
    }

    private List<Long> delaysMs(Set<String> lockIds) {
      List<Long> delays = new ArrayList<>();
      for (String lockId : lockIds) {
        ReclaimCommand command = commands.first.get(lockId);
        if (command != null) {
          Instant crossing =
              command.getLastHeartbeatObservedAt().plusMillis(command.getThresholdMs());
          delays.add(Duration.between(crossing, command.getIssuedAt()).toMillis());
        }
      }
      return delays;
    }

    /** The records the app's log says it restored from changelogs since {@code offset}. */
    private long restoredSince(long offset) throws IOException {
      byte[] all = Files.readAllBytes(log);
      String since =
          new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
      long restored = 0;
      for (String line : since.split("\n")) {
        int at = line.indexOf(" Restored ");
        if (at >= 0 && line.endsWith(" records")) {
          String[] words = line.split(" ");
          restored += Long.parseLong(words[words.length - 2]);
        }
      }
      return restored;
    }

    private double metric(String name) {
      try {
        double sum = 0;
        for (String line : get(port, "/metrics").body().split("\n")) {
          if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
            sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
        return sum;
      } catch (Exception e) {
        return Double.NaN;
      }
    }

    /** LockEvent with one optional field more, registered now (the fleet reaches the registry). */
    private Schema newerSchema() throws IOException {
      Schema current = LockEvent.getClassSchema();
      List<Schema.Field> fields = new ArrayList<>();
      current.getFields().forEach(field -> fields.add(new Schema.Field(field, field.schema())));
      fields.add(
          new Schema.Field(
              "benchmarkRegion",
              Schema.createUnion(
                  Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
              "added by a newer producer",
              JsonProperties.NULL_VALUE));
      return Schema.createRecord(
          current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
  }

  /**
   * Freezes {@code OUTAGE_VICTIMS} live locks, kills the app (kill -9) just before their deadlines
   * fall due, restarts it (wiping its state directory or not) and times kill to ready and kill to
   * the first and last command for those locks: the first judgements after the restart.
   */
  private static Duration restart(
      Process app,
      Path config,
      Path log,
      int port,
      boolean wipe,
      Path work,
      Fleet fleet,
      Commands commands,
      int salt)
      throws Exception {
    Map<String, Instant> frozen = fleet.freezeForOutage(OUTAGE_VICTIMS, salt);
    // Their last heartbeats were up to one interval before the freeze: deadlines from 60 s on.
    Thread.sleep(INTERVAL.multipliedBy(2).minusSeconds(5).toMillis());
    Instant killed = Instant.now();
    long killedAt = System.nanoTime();
    app.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    if (wipe) {
      deleteRecursively(work.resolve("state"));
    }
    Process next = launch(config, log);
    awaitReady(port, next, Duration.ofMinutes(5));
    lastLaunched = next;
    Duration ready = Duration.ofNanos(System.nanoTime() - killedAt);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    List<Instant> issued = commands.issuedFor(frozen.keySet());
    while (issued.size() < frozen.size() && System.nanoTime() < deadline) {
      Thread.sleep(2_000);
      commands.poll();
      issued = commands.issuedFor(frozen.keySet());
    }
    Collections.sort(issued);
    System.out.printf(
        "    kill -9 (state %s) to first judgement of the %d locks that froze before it: first %.1f"
            + " s, last %.1f s (%d of %d reclaimed)%n",
        wipe ? "wiped" : "kept",
        frozen.size(),
        issued.isEmpty() ? -1 : Duration.between(killed, issued.get(0)).toMillis() / 1e3,
        issued.isEmpty()
            ? -1
            : Duration.between(killed, issued.get(issued.size() - 1)).toMillis() / 1e3,
        issued.size(),
        frozen.size());
    return ready;
  }

  private static void report(Fleet fleet, Commands commands, Sampler sampler) {
    List<Long> delays = new ArrayList<>(commands.victimDelaysMs(fleet));
    Collections.sort(delays);
    System.out.printf(
        "    frozen locks reclaimed: %d of %d; detection delay (threshold crossing to command)"
            + " p50 %d ms, p99 %d ms, max %d ms; %d later than 1 s%n",
        delays.size(),
        fleet.victims,
        percentile(delays, 50),
        percentile(delays, 99),
        delays.isEmpty() ? -1 : delays.get(delays.size() - 1),
        delays.stream().filter(delay -> delay > 1_000).count());
    System.out.printf(
        "    live locks wrongly reclaimed: %d; duplicate commands: %d%n",
        commands.wrongful(fleet), commands.duplicates);
    System.out.printf(
        "    heartbeats sent: %,d; app heap in use max %d MB, RSS max %d MB%n",
        fleet.sent.get(), sampler.maxHeapMb, sampler.maxRssMb);
  }

  private static void scrape(int port) throws Exception {
    for (String path : List.of("/metrics", "/locks?limit=1000", "/locks?status=STALE")) {
      long start = System.nanoTime();
      HttpResponse<String> response = get(port, path);
      System.out.printf(
          "    GET %s: %d in %d ms (%,d bytes)%n",
          path,
          response.statusCode(),
          (System.nanoTime() - start) / 1_000_000,
          response.body().length());
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  // ------------------------------------------------------------------ the fleet

  /** The lock holders: one acquire each, then a heartbeat every 30 s, victims excepted. */
  private static final class Fleet implements AutoCloseable {
    final int locks;
    final int victims;
    final AtomicLong sent = new AtomicLong();
    final Map<String, Instant> victimAcquiredAt = new ConcurrentHashMap<>();
    final Map<String, Instant> outageVictims = new ConcurrentHashMap<>();
    private final Set<Integer> frozen = ConcurrentHashMap.newKeySet();
    private final KafkaProducer<String, byte[]> producer;
    private final TopicCatalog topics;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread beater;

    Fleet(String bootstrap, TopicCatalog topics, int locks, int victims) {
      this.locks = locks;
      this.victims = victims;
      this.topics = topics;
      this.producer =
          new KafkaProducer<>(
              BenchmarkSupport.producerConfig(bootstrap),
              new StringSerializer(),
              new ByteArraySerializer());
    }

    boolean isVictim(int lock) {
      return victims > 0 && lock % (locks / victims) == 0 && lock / (locks / victims) < victims;
    }

    /** Stops {@code count} live locks' heartbeats now (those {@code salt} past a victim). */
    Map<String, Instant> freezeForOutage(int count, int salt) {
      Map<String, Instant> now = new HashMap<>();
      for (int i = 0; i < count; i++) {
        int lock = i * (locks / count) + salt;
        frozen.add(lock);
        now.put(BenchmarkSupport.lockId(lock), Instant.now());
      }
      outageVictims.putAll(now);
      return now;
    }

    void acquireAll() throws Exception {
      for (int lock = 0; lock < locks; lock++) {
        send(lock, LockEventType.ACQUIRED, 0);
        if (isVictim(lock)) {
          victimAcquiredAt.put(BenchmarkSupport.lockId(lock), Instant.now());
        }
      }
      producer.flush();
    }

    /** Heartbeats paced evenly: each lock once per interval, in acquire order. */
    void startBeating() {
      beater =
          new Thread(
              () -> {
                long perSecond = Math.max(1, locks / INTERVAL.toSeconds());
                long sequence = 1;
                while (running.get()) {
                  long cycleStart = System.nanoTime();
                  for (int lock = 0; lock < locks && running.get(); lock++) {
                    if (!isVictim(lock) && !frozen.contains(lock)) {
                      send(lock, LockEventType.HEARTBEAT, sequence);
                    }
                    if (lock % 1_000 == 999) {
                      long due = cycleStart + (lock + 1) * 1_000_000_000L / perSecond;
                      long wait = due - System.nanoTime();
                      if (wait > 0) {
                        sleepNanos(wait);
                      }
                    }
                  }
                  sequence++;
                }
              },
              "scale-fleet");
      beater.setDaemon(true);
      beater.start();
    }

    /** An ACQUIRED of {@code lockId} written under {@code newer}, registered now. */
    void sendUnderNewerSchema(String lockId, Schema newer) throws IOException {
      String topic = topics.lockEvents().name();
      int id = topics.registry().register(topic + "-value", newer);
      LockEvent event =
          LockEvent.newBuilder()
              .setEventId(lockId + "/0")
              .setLockId(lockId)
              .setType(LockEventType.ACQUIRED)
              .setFencingToken(1)
              .setHolder(BenchmarkSupport.HOLDER)
              .setOccurredAt(Instant.now())
              .setSequence(0)
              .setHeartbeatIntervalMs(INTERVAL.toMillis())
              .build();
      // The event's binary form resolved into the newer schema, written under the new id.
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
      new SpecificDatumWriter<LockEvent>(LockEvent.class).write(event, encoder);
      encoder.flush();
      GenericRecord resolved =
          new GenericDatumReader<GenericRecord>(LockEvent.getClassSchema(), newer)
              .read(null, DecoderFactory.get().binaryDecoder(plain.toByteArray(), null));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(newer).write(resolved, encoder);
      encoder.flush();
      producer.send(new ProducerRecord<>(topic, lockId, out.toByteArray()));
      producer.flush();
    }

    private void send(int lock, LockEventType type, long sequence) {
      String lockId = BenchmarkSupport.lockId(lock);
      LockEvent.Builder event =
          LockEvent.newBuilder()
              .setEventId(lockId + "/" + sequence)
              .setLockId(lockId)
              .setType(type)
              .setFencingToken(1)
              .setHolder(BenchmarkSupport.HOLDER)
              .setOccurredAt(Instant.now())
              .setSequence(sequence);
      if (type == LockEventType.ACQUIRED) {
        event.setHeartbeatIntervalMs(INTERVAL.toMillis());
      }
      String topic = topics.lockEvents().name();
      producer.send(
          new ProducerRecord<>(
              topic,
              lockId,
              topics.lockEvents().valueSerde().serializer().serialize(topic, event.build())));
      sent.incrementAndGet();
    }

    private static void sleepNanos(long nanos) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      if (beater != null) {
        beater.join(10_000);
      }
      producer.close();
    }
  }

  // ------------------------------------------------------------------ the verifier

  /** The reclaim commands, read_committed, by lock. */
  private static final class Commands implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicCatalog topics;
    private final Map<String, ReclaimCommand> first = new HashMap<>();
    long duplicates;

    Commands(Map<String, Object> client, TopicCatalog topics) {
      this.topics = topics;
      Map<String, Object> config = new HashMap<>(client);
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.remove(ConsumerConfig.GROUP_ID_CONFIG);
      consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < BenchmarkSupport.PARTITIONS; p++) {
        partitions.add(new TopicPartition(topics.reclaimCommands().name(), p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    void poll() {
      for (int empty = 0; empty < 3; ) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          empty++;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          ReclaimCommand command =
              topics
                  .reclaimCommands()
                  .valueSerde()
                  .deserializer()
                  .deserialize(record.topic(), record.value());
          if (first.putIfAbsent(command.getLockId(), command) != null) {
            duplicates++;
          }
        }
      }
    }

    List<Long> victimDelaysMs(Fleet fleet) {
      List<Long> delays = new ArrayList<>();
      first.forEach(
          (lockId, command) -> {
            if (fleet.victimAcquiredAt.containsKey(lockId)) {
              Instant crossing =
                  command.getLastHeartbeatObservedAt().plusMillis(command.getThresholdMs());
              delays.add(Duration.between(crossing, command.getIssuedAt()).toMillis());
            }
          });
      return delays;
    }

    List<Instant> issuedFor(Set<String> lockIds) {
      List<Instant> issued = new ArrayList<>();
      for (String lockId : lockIds) {
        ReclaimCommand command = first.get(lockId);
        if (command != null) {
          issued.add(command.getIssuedAt());
        }
      }
      return issued;
    }

    long wrongful(Fleet fleet) {
      return first.keySet().stream()
          .filter(lockId -> !fleet.victimAcquiredAt.containsKey(lockId))
          .filter(lockId -> !fleet.outageVictims.containsKey(lockId))
          .count();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  // ------------------------------------------------------------------ the app's process

  private static final class Sampler {
    private final long pid;
    private final int port;
    long maxHeapMb;
    long maxRssMb;

    Sampler(long pid, int port) {
      this.pid = pid;
      this.port = port;
    }

    void sample() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            maxRssMb = Math.max(maxRssMb, Long.parseLong(line.replaceAll("\\D", "")) / 1024);
          }
        }
      } catch (IOException gone) {
        // not on Linux, or the process is gone: no RSS
      }
      maxHeapMb = Math.max(maxHeapMb, heapMb());
    }

    long heapMb() {
      try {
        double bytes = 0;
        for (String line : get(port, "/metrics").body().split("\n")) {
          if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
            bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
        return (long) (bytes / (1 << 20));
      } catch (Exception e) {
        return 0;
      }
    }

    /** The JFR recording so far (kill -9 would lose it). */
    void dumpRecording(Path file) throws Exception {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      new ProcessBuilder(jcmd.toString(), Long.toString(pid), "JFR.dump", "filename=" + file)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(120, TimeUnit.SECONDS);
      System.out.println("    JFR recording of the load and the wave: " + file);
    }

    void fullGc() throws Exception {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(60, TimeUnit.SECONDS);
      System.out.printf("    app heap in use after a full GC: %d MB%n", heapMb());
    }
  }

  private static List<String> appJvmOptions = List.of();

  /**
   * The app's JVM options: its heap, its own log configuration (INFO for Lockwatch and Kafka
   * Streams' state changes and restores, which the benchmarks' classpath would silence), and with
   * {@code profile} a JFR recording of the whole run, dumped at exit and at each kill.
   */
  private static List<String> appJvmOptions(Path work, boolean profile) throws IOException {
    Path logConfig =
        Files.writeString(
            work.resolve("app-log4j2.xml"),
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN">
              <Appenders>
                <Console name="stdout" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Logger name="io.lockwatch" level="INFO"/>
                <Logger name="org.apache.kafka.streams.KafkaStreams" level="INFO"/>
                <Root level="WARN"><AppenderRef ref="stdout"/></Root>
              </Loggers>
            </Configuration>
            """);
    List<String> options = new ArrayList<>();
    options.add("-Xmx512m");
    options.add("-XX:+ExitOnOutOfMemoryError");
    options.add("-Dlog4j2.configurationFile=" + logConfig);
    if (profile) {
      options.add(
          "-XX:StartFlightRecording=settings=profile,filename="
              + work.resolve("app.jfr")
              + ",dumponexit=true");
      System.out.println("    profiling the app with JFR: " + work.resolve("app.jfr"));
    }
    return options;
  }

  private static Process launch(Path config, Path log) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(appJvmOptions);
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            LockwatchApp.class.getName(),
            "--config",
            config.toString()));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static void awaitReady(int port, Process app, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!app.isAlive()) {
        throw new IllegalStateException("the app exited; see its log");
      }
      try {
        if (get(port, "/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the app was not ready within " + timeout);
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (var socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
