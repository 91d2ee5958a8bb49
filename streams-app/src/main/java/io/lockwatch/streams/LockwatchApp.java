package io.lockwatch.streams;

import io.lockwatch.schemas.topics.TopicCatalog;
import io.lockwatch.streams.http.LockwatchHttpServer;
import io.lockwatch.streams.internals.OffsetLagGate;
import io.lockwatch.streams.internals.WatchdogMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
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
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final LockwatchHttpServer http;
  private final WatchdogMetrics metrics;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean failed;

  private final OffsetLagGate gate;
  private final Admin admin;

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
    LockwatchApp app;
    try {
      app = start(LockwatchConfig.load(file, System.getenv()));
    } catch (ConfigException e) {
      System.err.println("lockwatch-streams: bad setting: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      LOG.error("Lockwatch failed to start", e);
      System.err.println("lockwatch-streams: failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "lockwatch-shutdown"));
    app.awaitStop();
    System.exit(app.failed ? 1 : 0);
  }

  /** Creates missing topics, starts Kafka Streams and the HTTP API. */
  public static LockwatchApp start(LockwatchConfig config) {
    LOG.info("Starting Lockwatch with settings:{}", config.describe());
    Map<String, Object> clientConfig = config.clientConfig();
    TopicCatalog topics = TopicCatalog.fromConfig(clientConfig);
    if (config.createTopics()) {
      createMissingTopics(
          clientConfig,
          topics.newTopics(config.topicPartitions(), config.topicReplicationFactor()));
    }
    WatchdogMetrics metrics = new WatchdogMetrics();
    LockwatchHttpServer http;
    try {
      http =
          new LockwatchHttpServer(
              metrics, config.httpHost(), config.httpPort(), config.httpAdvertised().orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot bind the HTTP API to " + config.httpHost() + ":" + config.httpPort(), e);
    }
    Properties props = new Properties();
    props.putAll(LockwatchStreamsConfig.streamsDefaults(topics));
    props.putAll(clientConfig);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(
        StreamsConfig.APPLICATION_SERVER_CONFIG, http.self().host() + ":" + http.self().port());

    Admin admin = Admin.create(clientConfig);
    OffsetLagGate gate =
        new OffsetLagGate(
            admin,
            config.applicationId(),
            topics.lockEvents().name(),
            config.judgementMaxLag(),
            Duration.ofMillis(200));
    KafkaStreams streams =
        new KafkaStreams(
            LockwatchTopology.build(
                topics,
                config.watchPolicy(),
                config.checkInterval(),
                gate,
                metrics,
                LockwatchStreamsConfig.cacheLockState(
                    String.valueOf(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)))),
            props);
    LockwatchApp app = new LockwatchApp(streams, http, metrics, gate, admin);
    streams.setGlobalStateRestoreListener(new RestoreProgress());
    streams.setStateListener(
        (newState, oldState) -> {
          LOG.info("Kafka Streams {} -> {}", oldState, newState);
          if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
            app.stopped.countDown();
          }
        });
    streams.setUncaughtExceptionHandler(
        exception -> {
          LOG.error("Kafka Streams failed; shutting down this instance", exception);
          app.failed = true;
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
    http.start(streams);
    LOG.info("Lockwatch HTTP API on http://{}:{}", http.self().host(), http.port());
    return app;
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
    http.close();
    streams.close(CLOSE_TIMEOUT);
    gate.close();
    admin.close(Duration.ofSeconds(5));
    stopped.countDown();
  }

  private static void createMissingTopics(Map<String, Object> clientConfig, List<NewTopic> wanted) {
    try (Admin admin = Admin.create(clientConfig)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          wanted.stream().filter(topic -> !existing.contains(topic.name())).toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
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
