package io.lockwatch.client;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.schemas.contract.ContractLimits;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What a lock manager embeds to publish its locks' lifecycle to Lockwatch: one call per acquire,
 * heartbeat and release, each returning a future that completes when the broker has the event
 * (acks=all).
 *
 * <p>Events are keyed by lock id, so each lock's events stay in order on one partition; the
 * producer is idempotent, so retries never duplicate or reorder them. The publisher numbers each
 * holding's events (0 on acquire, +1 after), which lets Lockwatch spot duplicates, reordering and
 * loss. {@link #flush()} waits for everything sent so far; {@link #close()} flushes, then closes:
 * nothing handed to the publisher is dropped by closing it.
 *
 * <p>Safe for use by several threads.
 */
public final class LockEventPublisher implements AutoCloseable {

  private final Producer<String, LockEvent> producer;
  private final String topic;
  private final HolderIdentity holder;
  private final Clock clock;
  private final Map<String, Holding> holdings = new HashMap<>();
  private boolean closed;

  LockEventPublisher(
      Producer<String, LockEvent> producer, String topic, HolderIdentity holder, Clock clock) {
    this.producer = producer;
    this.topic = topic;
    this.holder = holder;
    this.clock = clock;
  }

  /**
   * A publisher for {@code holder}, from client properties: {@code bootstrap.servers}, {@code
   * schema.registry.url}, any other producer or registry setting (TLS, SASL), and optionally {@code
   * lockwatch.topic.lock-events}.
   */
  public static LockEventPublisher create(Map<String, Object> clientConfig, HolderIdentity holder) {
    return create(clientConfig, holder, Clock.systemUTC());
  }

  public static LockEventPublisher create(
      Map<String, Object> clientConfig, HolderIdentity holder, Clock clock) {
    TopicCatalog catalog = TopicCatalog.fromConfig(clientConfig);
    Topic<String, LockEvent> events = catalog.lockEvents();
    Map<String, Object> producerConfig = producerConfig(clientConfig);
    KafkaProducer<String, LockEvent> producer =
        new KafkaProducer<>(
            producerConfig, events.keySerde().serializer(), events.valueSerde().serializer());
    return new LockEventPublisher(producer, events.name(), holder, clock);
  }

  /** The producer settings that make publishing safe; the caller's own settings come on top. */
  static Map<String, Object> producerConfig(Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "lockwatch-publisher");
    config.putAll(clientConfig);
    // Not overridable: these are what "loses nothing, keeps order" rests on.
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return config;
  }

  /** The holder took the lock with a new fencing token and promises to heartbeat every interval. */
  public CompletableFuture<RecordMetadata> acquired(
      String lockId, long fencingToken, Duration heartbeatInterval) {
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
      throw new IllegalArgumentException("heartbeatInterval must be positive");
    }
    synchronized (this) {
      ensureOpen();
      holdings.put(lockId, new Holding(fencingToken));
      return send(
          event(lockId, LockEventType.ACQUIRED, fencingToken, 0)
              .setHeartbeatIntervalMs(heartbeatInterval.toMillis())
              .build());
    }
  }

  /** The holder is alive and still holds the lock under {@code fencingToken}. */
  public CompletableFuture<RecordMetadata> heartbeat(String lockId, long fencingToken) {
    synchronized (this) {
      ensureOpen();
      long sequence = holding(lockId, fencingToken).next();
      return send(event(lockId, LockEventType.HEARTBEAT, fencingToken, sequence).build());
    }
  }

  /** The holder let the lock go. */
  public CompletableFuture<RecordMetadata> released(
      String lockId, long fencingToken, String reason) {
    synchronized (this) {
      ensureOpen();
      long sequence = holding(lockId, fencingToken).next();
      holdings.remove(lockId);
      return send(
          event(lockId, LockEventType.RELEASED, fencingToken, sequence).setReason(reason).build());
    }
  }

  /**
   * Publishes an event built by the caller, for lock managers that keep their own sequence numbers
   * and for reclaim triggers. The event's attributes must be within the contract's bounds.
   */
  public CompletableFuture<RecordMetadata> publish(LockEvent event) {
    synchronized (this) {
      ensureOpen();
      return send(event);
    }
  }

  /** Waits until every event handed over so far is acknowledged or has failed. */
  public void flush() {
    producer.flush();
  }

  /** Flushes, then closes; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    producer.flush();
    producer.close();
  }

  private LockEvent.Builder event(
      String lockId, LockEventType type, long fencingToken, long sequence) {
    Objects.requireNonNull(lockId, "lockId");
    return LockEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setLockId(lockId)
        .setType(type)
        .setFencingToken(fencingToken)
        .setHolder(holder)
        .setOccurredAt(clock.instant())
        .setSequence(sequence);
  }

  private Holding holding(String lockId, long fencingToken) {
    Holding holding = holdings.get(lockId);
    if (holding == null) {
      throw new IllegalStateException(
          "This publisher has not published an acquire of "
              + lockId
              + "; publish(LockEvent) takes events with the lock manager's own sequence numbers");
    }
    if (holding.fencingToken != fencingToken) {
      throw new IllegalArgumentException(
          lockId + " is held under token " + holding.fencingToken + ", not " + fencingToken);
    }
    return holding;
  }

  private CompletableFuture<RecordMetadata> send(LockEvent event) {
    ContractLimits.violation(event)
        .ifPresent(
            violation -> {
              throw new IllegalArgumentException(
                  "Lock event for " + event.getLockId() + " refused: " + violation);
            });
    CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
    try {
      // No record timestamp of the event's own: Lockwatch's topic takes the broker's append time
      // (when Lockwatch observed it), and a holder's fast clock must not get its events refused
      // (message.timestamp.after.max.ms). The event keeps its occurredAt for the audit.
      producer.send(
          new ProducerRecord<>(topic, null, null, event.getLockId(), event),
          (metadata, error) -> {
            if (error != null) {
              result.completeExceptionally(error);
            } else {
              result.complete(metadata);
            }
          });
    } catch (RuntimeException e) {
      // Serialization and registry failures surface here; callers get one, asynchronous, contract.
      result.completeExceptionally(e);
    }
    return result;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("LockEventPublisher is closed");
    }
  }

  /** One holding's token and the sequence of its last event. */
  private static final class Holding {
    private final long fencingToken;
    private long lastSequence;

    Holding(long fencingToken) {
      this.fencingToken = fencingToken;
    }

    long next() {
      return ++lastSequence;
    }
  }
}
