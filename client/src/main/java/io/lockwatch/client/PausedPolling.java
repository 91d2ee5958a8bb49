package io.lockwatch.client;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Waiting inside a consumer's loop without leaving its group: poll all the while (so {@code
 * max.poll.interval.ms} is never exceeded) with every partition paused, and put back anything a
 * rebalance let through. Hand-rolled, not a retry library's sleep: that would not poll, and a long
 * one would cost the group membership.
 */
public final class PausedPolling {
  private PausedPolling() {}

  /** Waits {@code millis} (less if {@code running} turns false), polling paused. */
  public static void sleep(Consumer<?, ?> consumer, long millis, BooleanSupplier running)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
    paused.removeAll(consumer.paused());
    consumer.pause(paused);
    try {
      long left;
      while (running.getAsBoolean() && (left = until - System.nanoTime()) > 0) {
        ConsumerRecords<?, ?> unexpected =
            consumer.poll(Duration.ofNanos(Math.min(left, 200_000_000L)));
        for (TopicPartition partition : unexpected.partitions()) {
          // Newly assigned while paused: read again later, in order.
          consumer.seek(partition, unexpected.records(partition).get(0).offset());
        }
        Set<TopicPartition> fresh = new HashSet<>(consumer.assignment());
        fresh.removeAll(consumer.paused());
        consumer.pause(fresh);
        paused.addAll(fresh);
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
    } finally {
      paused.retainAll(consumer.assignment());
      consumer.resume(paused);
    }
  }
}
