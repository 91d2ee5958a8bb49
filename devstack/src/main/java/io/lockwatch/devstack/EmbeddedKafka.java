package io.lockwatch.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 * A real Kafka cluster running inside this JVM in combined KRaft mode (each node a broker and a
 * controller), listening on 127.0.0.1 only: one node by default, or three (a quorum of three
 * controllers, replication factor 3 and {@code min.insync.replicas=2}) for faults that a single
 * broker cannot show. Nodes can be stopped and started one by one.
 *
 * <p>The data directories are formatted on first start and reused afterwards, so {@link #stop()}
 * followed by {@link #start()} is a restart on the same logs: committed records, consumer offsets
 * and transactions survive.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dataDir;
  private final boolean deleteDataOnClose;
  private final Map<String, String> overrides;
  private final List<Node> nodes = new ArrayList<>();
  private final String clusterId = Uuid.randomUuid().toString();

  /** One node: its id, its fixed ports (a restart comes back on the same address), its server. */
  private static final class Node {
    final int id;
    final int brokerPort;
    final int controllerPort;
    final Path logDir;
    KafkaRaftServer server;

    Node(int id, int brokerPort, int controllerPort, Path logDir) {
      this.id = id;
      this.brokerPort = brokerPort;
      this.controllerPort = controllerPort;
      this.logDir = logDir;
    }
  }

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
    for (int id = 1; id <= builder.nodes; id++) {
      boolean first = id == 1;
      nodes.add(
          new Node(
              id,
              first && builder.brokerPort > 0 ? builder.brokerPort : FreePorts.pick(),
              first && builder.controllerPort > 0 ? builder.controllerPort : FreePorts.pick(),
              // A single node keeps the layout of earlier versions, so kept data stays usable.
              builder.nodes == 1
                  ? dataDir.resolve("kraft-combined-logs")
                  : dataDir.resolve("node-" + id).resolve("kraft-combined-logs")));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data directories that are new, starts every node that is not running (together: a
   * node's broker waits for a controller quorum) and waits until the cluster serves.
   */
  public synchronized EmbeddedKafka start() {
    ExitGuard.install();
    List<Node> stopped = nodes.stream().filter(node -> node.server == null).toList();
    if (stopped.isEmpty()) {
      return this;
    }
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (Node node : stopped) {
      starting.add(CompletableFuture.runAsync(() -> startNode(node)));
    }
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof DevStackException dev ? dev : e;
    }
    awaitReady();
    LOG.info("Embedded Kafka serving at {} (data in {})", bootstrapServers(), dataDir);
    return this;
  }

  private void startNode(Node node) {
    KafkaConfig config = new KafkaConfig(brokerProperties(node), false);
    formatIfNew(node, config);
    KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      started.startup();
    } catch (RuntimeException e) {
      started.shutdown();
      throw new DevStackException(
          "The embedded Kafka node " + node.id + " failed to start: " + e.getMessage(), e);
    }
    synchronized (node) {
      node.server = started;
    }
  }

  /**
   * Stops every node and keeps their data, so that {@link #start()} restarts them. Together: a node
   * stopped last and alone has no controller quorum left to accept its controlled shutdown, and
   * would wait minutes for it.
   */
  public synchronized void stop() {
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (Node node : nodes) {
      KafkaRaftServer server = node.server;
      if (server != null) {
        stopping.add(
            CompletableFuture.runAsync(
                () -> {
                  server.shutdown();
                  server.awaitShutdown();
                }));
      }
    }
    CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
    nodes.forEach(node -> node.server = null);
  }

  /** Stops one node (1 to {@link #size()}), as a broker crash would, keeping its data. */
  public synchronized void stopNode(int id) {
    stopNode(node(id));
  }

  /** Starts one stopped node again on its data and ports, and waits until the cluster serves. */
  public synchronized void startNode(int id) {
    Node node = node(id);
    if (node.server == null) {
      startNode(node);
      awaitReady();
    }
  }

  private void stopNode(Node node) {
    if (node.server == null) {
      return;
    }
    node.server.shutdown();
    node.server.awaitShutdown();
    node.server = null;
  }

  private Node node(int id) {
    if (id < 1 || id > nodes.size()) {
      throw new IllegalArgumentException("No node " + id + "; nodes are 1 to " + nodes.size());
    }
    return nodes.get(id - 1);
  }

  /** The node leading {@code topic}'s partition, as the cluster's metadata says now. */
  public int leaderOf(String topic, int partition) {
    try (Admin admin = Admin.create(adminConfig())) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .get(partition)
          .leader()
          .id();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("Interrupted while describing " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new DevStackException("Cannot describe " + topic + ": " + e.getMessage(), e);
    }
  }

  /** How many nodes the cluster has. */
  public int size() {
    return nodes.size();
  }

  public synchronized boolean isRunning() {
    return nodes.stream().anyMatch(node -> node.server != null);
  }

  /** Whether node {@code id} is running. */
  public synchronized boolean isRunning(int id) {
    return node(id).server != null;
  }

  /** Every node's address, comma-separated. */
  public String bootstrapServers() {
    StringBuilder servers = new StringBuilder();
    for (Node node : nodes) {
      servers.append(servers.length() == 0 ? "" : ",").append("127.0.0.1:").append(node.brokerPort);
    }
    return servers.toString();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Properties for an {@link Admin} client of this cluster. */
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

  private Properties brokerProperties(Node node) {
    int replication = Math.min(3, nodes.size());
    String minIsr = Integer.toString(replication > 1 ? 2 : 1);
    StringBuilder voters = new StringBuilder();
    for (Node voter : nodes) {
      voters
          .append(voters.length() == 0 ? "" : ",")
          .append(voter.id)
          .append("@127.0.0.1:")
          .append(voter.controllerPort);
    }
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(node.id));
    props.put("controller.quorum.voters", voters.toString());
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + node.brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + node.controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + node.brokerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", node.logDir.toString());
    // Internal topics as replicated as the cluster allows: one replica on a single node.
    props.put("offsets.topic.replication.factor", Integer.toString(replication));
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", Integer.toString(replication));
    props.put("transaction.state.log.min.isr", minIsr);
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
    props.put("share.coordinator.state.topic.min.isr", minIsr);
    props.put("default.replication.factor", Integer.toString(replication));
    props.put("min.insync.replicas", minIsr);
    props.put("group.initial.rebalance.delay.ms", "0");
    if (nodes.size() > 1) {
      // A node stops as a crashed one would: a controlled shutdown of the whole cluster cannot
      // move leadership anywhere and waits five minutes for the controller's consent.
      props.put("controlled.shutdown.enable", "false");
      // A stopped node is fenced, and its partitions led elsewhere, within 3 s (9 s by default).
      props.put("broker.heartbeat.interval.ms", "500");
      props.put("broker.session.timeout.ms", "3000");
    }
    // A crashed exactly-once producer's open transaction blocks its partitions' readers until the
    // broker aborts it: look for timed-out transactions every second, not every ten.
    props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    props.put("num.partitions", "1");
    props.putAll(overrides);
    return props;
  }

  private void formatIfNew(Node node, KafkaConfig config) {
    if (Files.exists(node.logDir.resolve("meta.properties"))) {
      return;
    }
    try {
      new Formatter()
          .setClusterId(clusterId)
          .setNodeId(node.id)
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setDirectories(List.of(node.logDir.toString()))
          .setMetadataLogDirectory(config.metadataLogDir())
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .run();
    } catch (Exception e) {
      throw new DevStackException("Cannot format the broker's storage in " + node.logDir, e);
    }
  }

  private void awaitReady() {
    long running = nodes.stream().filter(node -> node.server != null).count();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Exception lastFailure = null;
    try (Admin admin = Admin.create(adminConfig())) {
      while (System.nanoTime() < deadline) {
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= running) {
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
    private int nodes = 1;
    private final Map<String, String> overrides = new HashMap<>();

    private Builder() {}

    /**
     * A directory kept across restarts and runs; without one, a temporary one is deleted on close.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** The first node's broker port (default: a free one). */
    public Builder brokerPort(int port) {
      this.brokerPort = port;
      return this;
    }

    /** The first node's controller port (default: a free one). */
    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /**
     * How many nodes: 1 (the default), or 3 for a replicated cluster (replication factor 3, {@code
     * min.insync.replicas=2}) that survives one node's loss.
     */
    public Builder nodes(int count) {
      if (count != 1 && count != 3) {
        throw new IllegalArgumentException("1 or 3 nodes, not " + count);
      }
      this.nodes = count;
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
