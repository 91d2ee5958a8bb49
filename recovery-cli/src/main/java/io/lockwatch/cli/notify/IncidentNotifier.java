package io.lockwatch.cli.notify;

import io.lockwatch.client.PausedPolling;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.events.Incident;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every change of every incident (each record of the incidents topic) to the sinks, in order,
 * and commits a record once every sink took it: at least once, and the sinks' dedup keys (the
 * incident id) make a repeat after a restart notify nobody twice. A sink that fails is retried with
 * a doubling pause (the consumer keeps polling meanwhile, so the group keeps it); the others do not
 * get the record again. Open incidents are re-sent every {@code refreshEvery} to sinks that expire
 * alerts (Alertmanager), and once at start, from a read of the whole topic.
 */
public final class IncidentNotifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentNotifier.class);

  private final KafkaConsumer<String, Incident> consumer;
  private final Map<String, Object> clientConfig;
  private final TopicCatalog topics;
  private final List<IncidentSink> sinks;
  private final Duration refreshEvery;
  private final Duration maxBackoff;
  private final Consumer<Incident> listener;
  private final Map<String, Incident> open = new LinkedHashMap<>();
  private final AtomicLong delivered = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private long nextRefresh;

  private IncidentNotifier(Builder builder) {
    this.clientConfig = builder.clientConfig;
    this.topics = TopicCatalog.fromConfig(builder.clientConfig);
    this.sinks = List.copyOf(builder.sinks);
    this.refreshEvery = builder.refreshEvery;
    this.maxBackoff = builder.maxBackoff;
    this.listener = builder.listener;
    Map<String, Object> config = new LinkedHashMap<>(builder.clientConfig);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, builder.groupId);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer =
        new KafkaConsumer<>(
            config, new StringDeserializer(), topics.incidents().valueSerde().deserializer());
    this.thread = new Thread(this::run, "incident-notifier");
    thread.setDaemon(true);
  }

  public static Builder builder(Map<String, Object> clientConfig) {
    return new Builder(clientConfig);
  }

  /** Reads the open incidents, re-sends them, then follows the topic on a thread of its own. */
  public IncidentNotifier start() throws Exception {
    String topic = topics.incidents().name();
    for (ConsumerRecord<byte[], byte[]> record :
        BoundedTopicReader.readAll(clientConfig, topic, Duration.ofSeconds(60))) {
      if (record.value() != null) {
        remember(topics.incidents().valueSerde().deserializer().deserialize(topic, record.value()));
      }
    }
    consumer.subscribe(List.of(topic));
    thread.start();
    return this;
  }

  /** Revisions every sink has taken. */
  public long delivered() {
    return delivered.get();
  }

  /** The error that stopped this notifier, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  private void run() {
    try {
      refresh();
      while (running) {
        ConsumerRecords<String, Incident> records = consumer.poll(Duration.ofMillis(200));
        for (TopicPartition partition : records.partitions()) {
          for (ConsumerRecord<String, Incident> record : records.records(partition)) {
            if (!running || !consumer.assignment().contains(partition)) {
              break;
            }
            if (record.value() != null) {
              deliver(record.value());
            }
            commit(partition, record.offset() + 1);
          }
        }
        if (System.nanoTime() - nextRefresh >= 0) {
          refresh();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("The incident notifier stopped: no further incident is sent by it", e);
    } finally {
      running = false;
      consumer.close();
    }
  }

  /** Sends one revision to every sink, each retried until it takes it (or the notifier stops). */
  private void deliver(Incident incident) throws InterruptedException {
    remember(incident);
    Set<IncidentSink> pending = new HashSet<>(sinks);
    long pause = 200;
    while (running && !pending.isEmpty()) {
      for (IncidentSink sink : List.copyOf(pending)) {
        try {
          sink.send(incident);
          pending.remove(sink);
        } catch (java.io.IOException | RuntimeException e) {
          LOG.warn(
              "Sending incident {} revision {} to {} failed: {}; retrying in {} ms",
              incident.getIncidentId(),
              incident.getRevision(),
              sink.name(),
              e.getMessage(),
              pause);
        }
      }
      if (!pending.isEmpty()) {
        pollingSleep(pause);
        pause = Math.min(pause * 2, maxBackoff.toMillis());
      }
    }
    if (pending.isEmpty()) {
      delivered.incrementAndGet();
      listener.accept(incident);
      LOG.info(
          "Incident {} revision {} ({}) sent",
          incident.getIncidentId(),
          incident.getRevision(),
          incident.getResolution() != null ? incident.getResolution() : incident.getState());
    }
  }

  private void remember(Incident incident) {
    if (IncidentRules.isOpen(incident)) {
      open.put(incident.getIncidentId(), incident);
    } else {
      open.remove(incident.getIncidentId());
    }
  }

  /** Re-sends the open incidents to sinks that expire what is not re-sent; failures wait a turn. */
  private void refresh() throws InterruptedException {
    nextRefresh = System.nanoTime() + refreshEvery.toNanos();
    for (IncidentSink sink : sinks) {
      try {
        sink.refresh(List.copyOf(open.values()));
      } catch (java.io.IOException | RuntimeException e) {
        LOG.warn(
            "Re-sending {} open incidents to {} failed: {}",
            open.size(),
            sink.name(),
            e.getMessage());
      }
    }
  }

  private void commit(TopicPartition partition, long next) {
    try {
      consumer.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
    } catch (CommitFailedException | RebalanceInProgressException e) {
      LOG.info(
          "Offset {} of {} not committed ({}); it may be sent again",
          next,
          partition,
          e.getMessage());
    }
  }

  /** Waits without leaving the consumer group (see {@link PausedPolling}). */
  private void pollingSleep(long millis) throws InterruptedException {
    PausedPolling.sleep(consumer, millis, () -> running);
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Settings of a notifier. */
  public static final class Builder {
    private final Map<String, Object> clientConfig;
    private final List<IncidentSink> sinks = new ArrayList<>();
    private String groupId = "lockwatch-notify";
    private Duration refreshEvery = Duration.ofMinutes(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Consumer<Incident> listener = incident -> {};

    private Builder(Map<String, Object> clientConfig) {
      this.clientConfig = Map.copyOf(clientConfig);
    }

    public Builder sink(IncidentSink sink) {
      sinks.add(Objects.requireNonNull(sink));
      return this;
    }

    public Builder groupId(String groupId) {
      this.groupId = Objects.requireNonNull(groupId);
      return this;
    }

    /** How often open incidents are re-sent (keep it under Alertmanager's resolve_timeout). */
    public Builder refreshEvery(Duration every) {
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("refresh interval must be positive");
      }
      this.refreshEvery = every;
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff);
      return this;
    }

    /** Called with each revision once every sink took it. */
    public Builder onDelivered(Consumer<Incident> listener) {
      this.listener = Objects.requireNonNull(listener);
      return this;
    }

    public IncidentNotifier build() {
      if (sinks.isEmpty()) {
        throw new IllegalArgumentException("no sink to notify");
      }
      return new IncidentNotifier(this);
    }
  }
}
