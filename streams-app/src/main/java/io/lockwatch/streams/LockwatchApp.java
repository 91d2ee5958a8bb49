package io.lockwatch.streams;

import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.schemas.contract.ContractRegistration;
import io.lockwatch.schemas.registry.CompatibilityLevel;
import io.lockwatch.schemas.registry.UrlCredentials;
import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.http.LockwatchHttpServer;
import io.lockwatch.streams.internals.BoundedRocksDbMemory;
import io.lockwatch.streams.internals.InputErrorHandlers;
import io.lockwatch.streams.internals.OffsetLagGate;
import io.lockwatch.streams.internals.PartitionTicker;
import io.lockwatch.streams.internals.SchemaWarmer;
import io.lockwatch.streams.internals.StreamThreadFailure;
import io.lockwatch.streams.internals.StreamThreadProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lockwatch streams app: the watchdog topology on Kafka Streams, plus its HTTP API. {@code java
 * -jar lockwatch-streams.jar [--config lockwatch.properties]}; settings as documented in {@link
 * LockwatchConfig}. Stops gracefully on SIGTERM; exits 1 if Kafka Streams fails.
 */
public final class LockwatchApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LockwatchApp.class);

  /** Short enough that SIGTERM stops the app within a supervisor's usual 30 s grace. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration OUTAGE_BACKOFF_MIN = Duration.ofSeconds(1);
  private static final Duration OUTAGE_BACKOFF_MAX = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final LockwatchHttpServer http;
  private final WatchdogMetrics metrics;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean failed;

  private final OffsetLagGate gate; // null on broker append times
  private final Admin admin;
  private final StreamThreadProgress progress;
  private volatile PartitionTicker ticker;
  private volatile SchemaWarmer schemas;
  private volatile Duration outageBackoff = OUTAGE_BACKOFF_MIN;
  private volatile long lastOutageAtMillis;

  private LockwatchApp(
      KafkaStreams streams,
      LockwatchHttpServer http,
      WatchdogMetrics metrics,
      OffsetLagGate gate,
      Admin admin) {
    this.streams = streams;
    this.http = http;
    this.metrics = metrics;
    this.gate = gate;
    this.admin = admin;
    this.progress =
        new StreamThreadProgress(
            streams,
            StreamThreadProgress.STALL_LIMIT,
            stalled -> {
              LOG.error("{}; exiting so that the supervisor restarts this instance", stalled);
              failed = true;
              Runtime.getRuntime().halt(1);
            });
  }

  public static void main(String[] args) {
    Optional<Path> file = Optional.ofNullable(System.getenv("LOCKWATCH_CONFIG_FILE")).map(Path::of);
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = Optional.of(Path.of(args[++i]));
      } else {
        System.err.println(
            "lockwatch-streams: unknown argument "
                + args[i]
                + "; usage: java -jar lockwatch-streams.jar [--config FILE]");
        System.exit(2);
      }
    }
    // A thread killed by an Error (OutOfMemoryError, StackOverflowError, ...) may be one the
    // watchdog needs: never linger alive but blind, let the supervisor restart the process.
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> {
          if (error instanceof Error) {
            LOG.error("Fatal error in thread {}; exiting", thread.getName(), error);
            Runtime.getRuntime().halt(1);
          } else {
            LOG.error("Uncaught exception in thread {}", thread.getName(), error);
          }
        });
    warnUnlessExitOnOutOfMemory();
    LockwatchApp app;
    try {
      app = start(LockwatchConfig.load(file, System.getenv()));
    } catch (ConfigException e) {
      System.err.println("lockwatch-streams: bad setting: " + UrlCredentials.mask(e.getMessage()));
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      LOG.error("Lockwatch failed to start: {}", UrlCredentials.mask(String.valueOf(e)));
      System.err.println(
          "lockwatch-streams: failed to start: " + UrlCredentials.mask(e.getMessage()));
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "lockwatch-shutdown"));
    app.awaitStop();
    System.exit(app.failed ? 1 : 0);
  }

  /**
   * Creates missing topics, registers the contract's schemas, starts Kafka Streams and the HTTP
   * API. Whatever it opened is closed again if it fails half-way.
   */
  public static LockwatchApp start(LockwatchConfig config) {
    LOG.info("Starting Lockwatch with settings:{}", config.describe());
    if (!config.ignoredVariables().isEmpty()) {
      LOG.warn(
          "Ignoring environment variables that name no Lockwatch setting: {}"
              + " (a Kubernetes Service named lockwatch injects such variables; set"
              + " enableServiceLinks: false in the pod spec to keep them out)",
          String.join(", ", config.ignoredVariables()));
    }
    Map<String, Object> clientConfig = config.clientConfig();
    TopicCatalog topics = TopicCatalog.fromConfig(clientConfig);
    Deque<AutoCloseable> opened = new ArrayDeque<>();
    try {
      if (config.createTopics()) {
        createMissingTopics(
            clientConfig,
            topics.newTopics(config.topicPartitions(), config.topicReplicationFactor()));
      }
      int inputPartitions = inputPartitions(clientConfig, topics);
      InputClock inputClock = inputClock(clientConfig, topics);
      registerSchemas(topics, clientConfig, config.schemaCompatibility());
      SchemaWarmer schemas =
          new SchemaWarmer(
              topics.registry(),
              ContractRegistration.subjects(topics, clientConfig).stream()
                  .filter(
                      subject ->
                          subject.topic().equals(topics.lockEvents().name())
                              || subject.topic().equals(topics.operatorActions().name()))
                  .map(ContractRegistration.Subject::subject)
                  .toList(),
              config.schemaRefresh());
      opened.push(schemas);
      WatchdogMetrics metrics = new WatchdogMetrics();
      LockwatchHttpServer http;
      try {
        http =
            new LockwatchHttpServer(
                metrics,
                config.httpHost(),
                config.httpPort(),
                config.httpAdvertised().orElse(null));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot bind the HTTP API to " + config.httpHost() + ":" + config.httpPort(), e);
      }
      opened.push(http);
      Properties props = new Properties();
      props.putAll(LockwatchStreamsConfig.streamsDefaults(topics));
      props.putAll(clientConfig);
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
      props.put(
          StreamsConfig.APPLICATION_SERVER_CONFIG, http.self().host() + ":" + http.self().port());
      props.put(InputErrorHandlers.METRICS_CONFIG, metrics);
      props.put(BoundedRocksDbMemory.MEMORY_CONFIG, config.rocksDbMemoryBytes());
      config
          .instanceId()
          .ifPresent(
              id ->
                  props.putIfAbsent(
                      StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));

      Admin admin = Admin.create(clientConfig);
      opened.push(admin);
      // Only producer-stamped inputs are judged on the wall clock and need to know how far the
      // task has read; on broker append times the log's own order says it (LogClock).
      OffsetLagGate gate =
          inputClock == InputClock.PROCESSING_TIME
              ? new OffsetLagGate(
                  admin,
                  config.applicationId(),
                  topics.lockEvents().name(),
                  config.judgementMaxLag(),
                  Duration.ofMillis(200))
              : null;
      if (gate != null) {
        opened.push(gate);
      }
      KafkaStreams streams =
          new KafkaStreams(
              LockwatchTopology.build(
                  topics,
                  config.watchPolicy(),
                  config.checkInterval(),
                  gate != null ? gate : JudgementGate.open(),
                  metrics,
                  LockwatchStreamsConfig.cacheLockState(
                      String.valueOf(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))),
                  inputPartitions,
                  inputClock,
                  config.clockJumpBound()),
              props);
      opened.push(streams);
      metrics.bind(streams);
      opened.push(metrics);
      LockwatchApp app = new LockwatchApp(streams, http, metrics, gate, admin);
      app.schemas = schemas;
      streams.setGlobalStateRestoreListener(new RestoreProgress());
      streams.setStateListener(
          (newState, oldState) -> {
            LOG.info("Kafka Streams {} -> {}", oldState, newState);
            if (newState == KafkaStreams.State.ERROR) {
              app.failed = true;
            }
            if (newState == KafkaStreams.State.ERROR
                || newState == KafkaStreams.State.NOT_RUNNING) {
              app.stopped.countDown();
            }
          });
      streams.setUncaughtExceptionHandler(app::onStreamThreadFailure);
      streams.start();
      if (inputClock == InputClock.APPEND_TIME) {
        PartitionTicker ticker = ticker(config, clientConfig, topics, http, streams, metrics);
        app.ticker = ticker;
        ticker.start();
      }
      http.start(streams);
      app.progress.start();
      LOG.info("Lockwatch HTTP API on http://{}:{}", http.self().host(), http.port());
      return app;
    } catch (RuntimeException e) {
      while (!opened.isEmpty()) {
        try {
          opened.pop().close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      throw e;
    }
  }

  /**
   * The ticker of the input partitions whose tasks run here: its own idempotent producer (a tick is
   * not part of any task's transaction, so it reaches the log however the tasks fare), named after
   * this instance.
   */
  private static PartitionTicker ticker(
      LockwatchConfig config,
      Map<String, Object> clientConfig,
      TopicCatalog topics,
      LockwatchHttpServer http,
      KafkaStreams streams,
      WatchdogMetrics metrics) {
    Map<String, Object> producerConfig = new java.util.HashMap<>(clientConfig);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-ticker");
    @SuppressWarnings("unchecked")
    org.apache.kafka.common.serialization.Serializer<LockEvent> values =
        (org.apache.kafka.common.serialization.Serializer<LockEvent>)
            topics.lockEvents().valueSerde().serializer();
    KafkaProducer<String, LockEvent> producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), values);
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown";
    }
    HolderIdentity identity =
        HolderIdentity.newBuilder()
            .setNodeId(config.instanceId().orElse(http.self().host() + ":" + http.self().port()))
            .setHost(host)
            .setPid(ProcessHandle.current().pid())
            .setIncarnation(java.util.UUID.randomUUID().toString())
            .build();
    String topic = topics.lockEvents().name();
    return new PartitionTicker(
        producer,
        topic,
        identity,
        config.checkInterval(),
        config.clockJumpBound(),
        () -> activePartitions(streams, topic),
        metrics.clockReadings());
  }

  /** The partitions of {@code topic} whose tasks are active on this instance now. */
  private static java.util.Set<Integer> activePartitions(KafkaStreams streams, String topic) {
    java.util.Set<Integer> partitions = new java.util.TreeSet<>();
    try {
      streams
          .metadataForLocalThreads()
          .forEach(
              thread ->
                  thread
                      .activeTasks()
                      .forEach(
                          task ->
                              task.topicPartitions().stream()
                                  .filter(partition -> partition.topic().equals(topic))
                                  .forEach(partition -> partitions.add(partition.partition()))));
    } catch (RuntimeException e) {
      // Not running (starting, stopping): nothing is watched here right now.
    }
    return partitions;
  }

  /**
   * A stream thread died. A registry that cannot be reached is an outage: wait, then replace the
   * thread, which reads the undecoded record again (nothing was skipped). A thread Kafka fenced or
   * timed out (this instance was paused or cut off past its session or transaction timeout) is
   * replaced at once: it rejoins and resumes from the last commit, so a long GC or a stopped
   * process costs no instance. Anything else is a bug or a failure Kafka Streams could not handle:
   * stop this instance, exit 1, and let the supervisor restart it; under exactly-once the input is
   * processed again.
   */
  private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onStreamThreadFailure(
      Throwable exception) {
    switch (StreamThreadFailure.of(exception)) {
      case REGISTRY_OUTAGE -> {
        Duration wait = nextBackoff();
        LOG.warn(
            "The schema registry cannot be reached; no record is skipped. Replacing the stream"
                + " thread in {} ms: {}",
            wait.toMillis(),
            UrlCredentials.mask(String.valueOf(exception.getMessage())));
        sleep(wait);
        metrics.streamThreadReplaced();
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      }
      case FENCED -> {
        metrics.streamThreadReplaced();
        LOG.warn(
            "Kafka fenced or timed out a stream thread (this instance was paused or cut off past"
                + " its session or transaction timeout); replacing it, it resumes from the last"
                + " commit: {}",
            String.valueOf(exception));
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
      }
      default -> {
        LOG.error("Kafka Streams failed; shutting down this instance", exception);
        failed = true;
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
  }

  /** 1 s, doubling to 30 s while outages follow each other; back to 1 s after a quiet spell. */
  private Duration nextBackoff() {
    long now = System.nanoTime() / 1_000_000;
    if (now - lastOutageAtMillis > OUTAGE_BACKOFF_MAX.toMillis() * 2) {
      outageBackoff = OUTAGE_BACKOFF_MIN;
    }
    lastOutageAtMillis = now;
    Duration wait = outageBackoff;
    outageBackoff =
        outageBackoff.multipliedBy(2).compareTo(OUTAGE_BACKOFF_MAX) > 0
            ? OUTAGE_BACKOFF_MAX
            : outageBackoff.multipliedBy(2);
    return wait;
  }

  private static void sleep(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Input topics whose records the broker stamps (LogAppendTime) are judged on those stamps, which
   * history can read back; topics a user created with producer timestamps (CreateTime) are judged
   * on the app's clock, and history can then only approximate it: said once, at start.
   */
  private static InputClock inputClock(Map<String, Object> clientConfig, TopicCatalog topics) {
    List<String> names = List.of(topics.lockEvents().name(), topics.operatorActions().name());
    try (Admin admin = Admin.create(clientConfig)) {
      Map<ConfigResource, Config> configs =
          untilKnown(
              () ->
                  admin
                      .describeConfigs(
                          names.stream()
                              .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                              .toList())
                      .all()
                      .get(30, TimeUnit.SECONDS));
      List<String> producerStamped = new ArrayList<>();
      configs.forEach(
          (resource, config) -> {
            ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
            if (type == null || !TimestampType.LOG_APPEND_TIME.name.equals(type.value())) {
              producerStamped.add(resource.name());
            }
          });
      if (producerStamped.isEmpty()) {
        LOG.info("Inputs are judged on the broker's append time (LogAppendTime)");
        return InputClock.APPEND_TIME;
      }
      LOG.warn(
          "{} keep the producers' timestamps (message.timestamp.type=CreateTime): inputs are judged"
              + " on this app's clock when processed, which history cannot read back, so `lockwatch"
              + " at` and postmortems fold on the holders' clocks and a skewed holder shifts them."
              + " Set message.timestamp.type=LogAppendTime on {} (kafka-configs --alter"
              + " --add-config) and restart.",
          producerStamped,
          producerStamped);
      return InputClock.PROCESSING_TIME;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing the input topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Cannot describe the input topics' settings: " + e.getMessage(), e);
    }
  }

  /** A read of topic metadata that waits out its propagation. */
  @FunctionalInterface
  private interface MetadataRead<T> {
    T read() throws InterruptedException, ExecutionException, TimeoutException;
  }

  /**
   * Reads topic metadata, retrying for up to 30 s while a broker does not know the topics yet: on a
   * cluster of several brokers, topics just created reach each broker's metadata a moment later.
   */
  private static <T> T untilKnown(MetadataRead<T> read)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return read.read();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /** The partition count of the inputs, which must be co-partitioned (checked here). */
  private static int inputPartitions(Map<String, Object> clientConfig, TopicCatalog topics) {
    try (Admin admin = Admin.create(clientConfig)) {
      Map<String, TopicDescription> described =
          untilKnown(
              () ->
                  admin
                      .describeTopics(
                          List.of(topics.lockEvents().name(), topics.operatorActions().name()))
                      .allTopicNames()
                      .get(30, TimeUnit.SECONDS));
      int events = described.get(topics.lockEvents().name()).partitions().size();
      int actions = described.get(topics.operatorActions().name()).partitions().size();
      if (events != actions) {
        throw new IllegalStateException(
            topics.lockEvents().name()
                + " has "
                + events
                + " partitions and "
                + topics.operatorActions().name()
                + " "
                + actions
                + "; a lock's events and actions must meet in one task, so both need the same"
                + " count");
      }
      return events;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while describing the input topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot describe the input topics: " + e.getMessage(), e);
    }
  }

  /** Producers with auto-registration off can fetch the contract as soon as the app runs. */
  private static void registerSchemas(
      TopicCatalog topics, Map<String, Object> clientConfig, CompatibilityLevel compatibility) {
    try {
      for (ContractRegistration.Registered registered :
          ContractRegistration.register(
              topics.registry(),
              ContractRegistration.subjects(topics, clientConfig),
              compatibility)) {
        LOG.info(
            "Schema registered: subject {} id {} ({})",
            registered.subject().subject(),
            registered.id(),
            registered.compatibility());
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Cannot register the contract's schemas: " + UrlCredentials.mask(e.getMessage()), e);
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  public int httpPort() {
    return http.port();
  }

  public WatchdogMetrics metrics() {
    return metrics;
  }

  /** Blocks until Kafka Streams stops (closed, or failed). */
  public void awaitStop() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    LOG.info("Stopping Lockwatch");
    progress.close();
    if (ticker != null) {
      ticker.close();
    }
    if (schemas != null) {
      schemas.close();
    }
    http.close();
    // Leave the group even with static membership, so the other instances take over at once.
    streams.close(
        CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    metrics.close();
    if (gate != null) {
      gate.close();
    }
    admin.close(Duration.ofSeconds(1));
    stopped.countDown();
  }

  /** A watchdog that can die of an OutOfMemoryError must take the JVM with it. */
  private static void warnUnlessExitOnOutOfMemory() {
    boolean exits =
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .anyMatch(
                argument ->
                    argument.equals("-XX:+ExitOnOutOfMemoryError")
                        || argument.equals("-XX:+CrashOnOutOfMemoryError"));
    if (!exits) {
      LOG.warn(
          "Started without -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError could leave this"
              + " process alive but no longer watching. Add it to the java command line.");
    }
  }

  private static void createMissingTopics(Map<String, Object> clientConfig, List<NewTopic> wanted) {
    try (Admin admin = Admin.create(clientConfig)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
      if (!missing.isEmpty()) {
        for (Map.Entry<String, KafkaFuture<Void>> created :
            admin.createTopics(missing).values().entrySet()) {
          try {
            created.getValue().get(30, TimeUnit.SECONDS);
            LOG.info("Created topic {}", created.getKey());
          } catch (ExecutionException e) {
            // Another instance starting at the same time created it first.
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e;
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Cannot create Lockwatch's topics: " + e.getMessage(), e);
    }
  }

  /** Logs state restoration, so that a slow start after a crash is visible. */
  private static final class RestoreProgress implements StateRestoreListener {
    @Override
    public void onRestoreStart(
        TopicPartition partition, String store, long startOffset, long endOffset) {
      LOG.info("Restoring {} from {}: {} records", store, partition, endOffset - startOffset);
    }

    @Override
    public void onBatchRestored(
        TopicPartition partition, String store, long batchEndOffset, long numRestored) {
      LOG.debug(
          "Restored {} records of {} ({}), up to offset {}",
          numRestored,
          store,
          partition,
          batchEndOffset);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
      LOG.info("Restored {} from {}: {} records", store, partition, totalRestored);
    }
  }
}
