package io.lockwatch.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The embedded real stack: a Kafka broker and a schema registry, started together (in parallel) and
 * closed together.
 */
public final class DevStack implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final EmbeddedRegistry registry;
  private final Timings startup;

  private DevStack(EmbeddedKafka kafka, EmbeddedRegistry registry, Timings startup) {
    this.kafka = kafka;
    this.registry = registry;
    this.startup = startup;
  }

  /** Throw-away stack for tests: temporary broker data, registry in memory. */
  public static DevStack startEphemeral() {
    return start(EmbeddedKafka.builder().build(), EmbeddedRegistry.builder().inMemory().build());
  }

  /**
   * Throw-away stack on a three-node Kafka cluster (replication factor 3, {@code
   * min.insync.replicas=2}), whose nodes {@link EmbeddedKafka#stopNode} and {@link
   * EmbeddedKafka#startNode} one by one: for faults that a single broker cannot show.
   */
  public static DevStack startReplicated() {
    return start(
        EmbeddedKafka.builder().nodes(3).build(), EmbeddedRegistry.builder().inMemory().build());
  }

  /** Stack whose broker log and registry schemas live under {@code home} and survive restarts. */
  public static DevStack startPersistent(Path home) {
    return start(
        EmbeddedKafka.builder().dataDir(home.resolve("kafka")).build(),
        EmbeddedRegistry.builder().fileStorage(home.resolve("registry")).build());
  }

  /** Starts both (the registry in a background thread, since it is a separate process). */
  public static DevStack start(EmbeddedKafka kafka, EmbeddedRegistry registry) {
    long begin = System.nanoTime();
    CompletableFuture<Duration> registryStarted =
        CompletableFuture.supplyAsync(
            () -> {
              long t0 = System.nanoTime();
              registry.start();
              return Duration.ofNanos(System.nanoTime() - t0);
            });
    Duration brokerTime;
    try {
      long t0 = System.nanoTime();
      kafka.start();
      brokerTime = Duration.ofNanos(System.nanoTime() - t0);
    } catch (RuntimeException e) {
      registryStarted.whenComplete((ignored, error) -> registry.close());
      throw e;
    }
    Duration registryTime;
    try {
      registryTime = registryStarted.join();
    } catch (CompletionException e) {
      kafka.close();
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
    return new DevStack(
        kafka,
        registry,
        new Timings(brokerTime, registryTime, Duration.ofNanos(System.nanoTime() - begin)));
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The registry's Confluent-compatible API. */
  public String registryUrl() {
    return registry.url();
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedRegistry registry() {
    return registry;
  }

  public Timings startupTimings() {
    return startup;
  }

  /** The two settings every Lockwatch client needs to reach this stack. */
  public Map<String, Object> clientConfig() {
    return Map.of("bootstrap.servers", bootstrapServers(), "schema.registry.url", registryUrl());
  }

  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      kafka.close();
    }
  }

  /** How long the stack took to start; the two parts overlap. */
  public record Timings(Duration broker, Duration registry, Duration total) {
    @Override
    public String toString() {
      return "broker "
          + broker.toMillis()
          + " ms, registry "
          + registry.toMillis()
          + " ms, total "
          + total.toMillis()
          + " ms";
    }
  }
}
