package io.lockwatch.streams.internals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
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
 * application's committed offset.
 *
 * <p>Not the consumer's lag: Kafka Streams runs punctuations between batches of records it has
 * already fetched, so a consumer lag of zero can hide a buffer of unprocessed heartbeats.
 *
 * <p>Offsets are read by a background thread every {@code refresh}; readings older than ten
 * refreshes (an unreachable cluster) close the gate.
 */
public final class OffsetLagGate implements JudgementGate, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetLagGate.class);

  private final Admin admin;
  private final String groupId;
  private final String topic;
  private final long maxLag;
  private final Duration refresh;
  private final ScheduledExecutorService refresher;
  private volatile Map<TopicPartition, Long> stableOffsets = Map.of();
  private volatile Map<TopicPartition, Long> committedOffsets = Map.of();
  private volatile long readAtMillis;

  public OffsetLagGate(Admin admin, String groupId, String topic, long maxLag, Duration refresh) {
    this.admin = admin;
    this.groupId = groupId;
    this.topic = topic;
    this.maxLag = maxLag;
    this.refresh = refresh;
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "lockwatch-offset-gate");
              thread.setDaemon(true);
              return thread;
            });
    refresher.scheduleWithFixedDelay(this::read, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public boolean caughtUp(TopicPartition partition, long nextOffset) {
    if (System.currentTimeMillis() - readAtMillis > refresh.toMillis() * 10) {
      return false;
    }
    Long stable = stableOffsets.get(partition);
    long position = Math.max(nextOffset, committedOffsets.getOrDefault(partition, -1L));
    return stable != null && position >= 0 && position >= stable - maxLag;
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
      partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
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
      committedOffsets = committed;
      readAtMillis = System.currentTimeMillis();
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
