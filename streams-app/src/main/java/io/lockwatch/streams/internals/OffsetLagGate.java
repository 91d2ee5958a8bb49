package io.lockwatch.streams.internals;

import io.lockwatch.streams.JudgementGate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges a task caught up when its own processing position on the input partition is within {@code
 * maxLag} records of the partition's last stable offset (what a read_committed reader can reach).
 * The position is the next offset the task will process, or, before it has processed anything, the
 * application's committed offset, or, with none, the log's start offset (so a partition with no
 * records is caught up, not held).
 *
 * <p>Not the consumer's lag: Kafka Streams runs punctuations between batches of records it has
 * already fetched, so a consumer lag of zero can hide a buffer of unprocessed heartbeats.
 *
 * <p>Offsets are read by a background thread every {@code refresh}; readings older than ten
 * refreshes (an unreachable cluster) close the gate.
 */
public final class OffsetLagGate implements JudgementGate, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetLagGate.class);
  private static final long HELD_WARNING_AFTER_MS = 30_000;

  private final Admin admin;
  private final String groupId;
  private final String topic;
  private final long maxLag;
  private final Duration refresh;
  private final ScheduledExecutorService refresher;
  private volatile Map<TopicPartition, Long> stableOffsets = Map.of();
  private volatile Map<TopicPartition, Long> committedOffsets = Map.of();
  private volatile Map<TopicPartition, Long> earliestOffsets = Map.of();
  private volatile long readAtMillis;
  private final java.util.Map<TopicPartition, Long> heldSince =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<TopicPartition, Long> warnedAt =
      new java.util.concurrent.ConcurrentHashMap<>();

  public OffsetLagGate(Admin admin, String groupId, String topic, long maxLag, Duration refresh) {
    this.admin = admin;
    this.groupId = groupId;
    this.topic = topic;
    this.maxLag = maxLag;
    this.refresh = refresh;
    this.refresher = DaemonScheduler.named("lockwatch-offset-gate");
    refresher.scheduleWithFixedDelay(this::read, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean caughtUp(TopicPartition partition, long nextOffset) {
    long now = System.nanoTime() / 1_000_000; // ages on the monotonic clock
    boolean fresh = now - readAtMillis <= refresh.toMillis() * 10;
    Long stable = stableOffsets.get(partition);
    long position = Math.max(nextOffset, committedOffsets.getOrDefault(partition, -1L));
    if (position < 0) {
      // Nothing processed or committed yet: the task starts at the log's start, so an empty
      // partition (or one whose records all expired) has nothing to wait for.
      position = earliestOffsets.getOrDefault(partition, -1L);
    }
    boolean caughtUp = fresh && stable != null && position >= 0 && position >= stable - maxLag;
    if (caughtUp) {
      heldSince.remove(partition);
    } else {
      warnIfHeldLong(partition, now, position, stable, fresh);
    }
    return caughtUp;
  }

  /** A gate that stays closed stops the watchdog: say so, once a minute per partition. */
  private void warnIfHeldLong(
      TopicPartition partition, long now, long position, Long stable, boolean fresh) {
    long since = heldSince.computeIfAbsent(partition, key -> now);
    if (now - since < HELD_WARNING_AFTER_MS
        || now - warnedAt.getOrDefault(partition, 0L) < HELD_WARNING_AFTER_MS * 2) {
      return;
    }
    warnedAt.put(partition, now);
    LOG.warn(
        "No staleness judgement on {} for {} s: {}",
        partition,
        (now - since) / 1000,
        !fresh
            ? "offsets cannot be read from the cluster"
            : "processed up to offset "
                + position
                + ", last stable offset "
                + stable
                + " (transactional producers' commit markers on the input keep a gap open; see lockwatch.judgement.max-lag)");
  }

  private void read() {
    try {
      List<TopicPartition> partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(refresh.toMillis() * 5, TimeUnit.MILLISECONDS)
              .get(topic)
              .partitions()
              .stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
      partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
      partitions.forEach(partition -> earliestSpec.put(partition, OffsetSpec.earliest()));
      Map<TopicPartition, Long> earliest = new HashMap<>();
      admin
          .listOffsets(earliestSpec)
          .all()
          .get(refresh.toMillis() * 5, TimeUnit.MILLISECONDS)
          .forEach((partition, info) -> earliest.put(partition, info.offset()));
      Map<TopicPartition, Long> stable = new HashMap<>();
      admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get(refresh.toMillis() * 5, TimeUnit.MILLISECONDS)
          .forEach((partition, info) -> stable.put(partition, info.offset()));
      Map<TopicPartition, Long> committed = new HashMap<>();
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(groupId)
              .partitionsToOffsetAndMetadata()
              .get(refresh.toMillis() * 5, TimeUnit.MILLISECONDS);
      offsets.forEach(
          (partition, offset) -> {
            if (offset != null) {
              committed.put(partition, offset.offset());
            }
          });
      stableOffsets = stable;
      earliestOffsets = earliest;
      committedOffsets = committed;
      readAtMillis = System.nanoTime() / 1_000_000;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("Cannot read offsets for the judgement gate", e);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
