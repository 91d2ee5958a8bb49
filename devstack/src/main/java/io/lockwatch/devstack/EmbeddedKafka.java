package io.lockwatch.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker running inside this JVM in combined KRaft mode (broker and
 * controller in one node), listening on 127.0.0.1 only.
 *
 * <p>The data directory is formatted on first start and reused afterwards, so {@link #stop()}
 * followed by {@link #start()} is a restart on the same log: committed records, consumer offsets
 * and transactions survive. Internal and transaction topics use replication factor 1.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final boolean deleteDataOnClose;
  private final Map<String, String> overrides;
  private final int brokerPort;
  private final int controllerPort;
  private KafkaRaftServer server;

  private EmbeddedKafka(Builder builder) {
    try {
      this.deleteDataOnClose = builder.dataDir == null;
      this.dataDir =
          (builder.dataDir != null
                  ? Files.createDirectories(builder.dataDir)
                  : Files.createTempDirectory("lockwatch-kafka-"))
              .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the broker's data directory", e);
    }
    this.overrides = Map.copyOf(builder.overrides);
    // Ports are chosen once so that a restart comes back on the same address.
    this.brokerPort = builder.brokerPort > 0 ? builder.brokerPort : FreePorts.pick();
    this.controllerPort = builder.controllerPort > 0 ? builder.controllerPort : FreePorts.pick();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Formats the data directory if it is new, starts the node and waits until it serves. */
  public synchronized EmbeddedKafka start() {
    if (server != null) {
      return this;
    }
    ExitGuard.install();
    KafkaConfig config = new KafkaConfig(brokerProperties(), false);
    formatIfNew(config);
    KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      started.startup();
    } catch (RuntimeException e) {
      started.shutdown();
      throw new DevStackException(
          "The embedded Kafka broker failed to start: " + e.getMessage(), e);
    }
    server = started;
    awaitReady();
    LOG.info("Embedded Kafka serving at {} (data in {})", bootstrapServers(), dataDir);
    return this;
  }

  /** Stops the node and keeps its data, so that {@link #start()} restarts it. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Properties for an {@link Admin} client of this broker. */
  public Map<String, Object> adminConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return config;
  }

  @Override
  public void close() {
    stop();
    if (deleteDataOnClose) {
      Directories.deleteRecursively(dataDir);
    }
  }

  private Properties brokerProperties() {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir().toString());
    // A single node: every internal topic must be satisfiable by one replica.
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    // A crashed exactly-once producer's open transaction blocks its partitions' readers until the
    // broker aborts it: look for timed-out transactions every second, not every ten.
    props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    props.put("num.partitions", "1");
    props.putAll(overrides);
    return props;
  }

  private Path logDir() {
    return dataDir.resolve("kraft-combined-logs");
  }

  private void formatIfNew(KafkaConfig config) {
    if (Files.exists(logDir().resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(NODE_ID)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setDirectories(List.of(logDir().toString()))
          .setMetadataLogDirectory(config.metadataLogDir())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .run();
    } catch (Exception e) {
      throw new DevStackException("Cannot format the broker's storage in " + logDir(), e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Exception lastFailure = null;
    try (Admin admin = Admin.create(adminConfig())) {
      while (System.nanoTime() < deadline) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          lastFailure = e;
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("Interrupted while waiting for the embedded broker", e);
    }
    throw new DevStackException(
        "The embedded Kafka broker did not serve within " + READY_TIMEOUT, lastFailure);
  }

  /** Options for {@link EmbeddedKafka}. */
  public static final class Builder {
    private Path dataDir;
    private int brokerPort;
    private int controllerPort;
    private final Map<String, String> overrides = new HashMap<>();

    private Builder() {}

    /**
     * A directory kept across restarts and runs; without one, a temporary one is deleted on close.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    public Builder brokerPort(int port) {
      this.brokerPort = port;
      return this;
    }

    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /** A broker setting, applied over the defaults. */
    public Builder brokerConfig(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public EmbeddedKafka build() {
      return new EmbeddedKafka(this);
    }
  }
}
