package io.lockwatch.streams.internals;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Watches that every stream thread keeps going round its loop. A thread that stopped polling (stuck
 * in a call that never returns, or starved) watches none of its locks while the process looks
 * alive: once one has made no progress for the stall limit, {@code onStall} is told, and the app
 * exits so that its supervisor restarts it.
 *
 * <p>Progress is a thread's {@code poll-total} metric: Kafka Streams polls on every iteration of a
 * stream thread's loop, also while it restores or has nothing to do.
 */
public final class StreamThreadProgress implements AutoCloseable {
  /** Longer than any legitimate pause of a stream thread (a commit waiting out max.block.ms). */
  public static final Duration STALL_LIMIT = Duration.ofSeconds(90);

  private static final String GROUP = "stream-thread-metrics";
  private static final String POLLS = "poll-total";

  private final Supplier<KafkaStreams.State> state;
  private final Supplier<Map<MetricName, ? extends Metric>> metrics;
  private final Duration stallLimit;
  private final Consumer<String> onStall;
  private final LongSupplier clock;
  private final Map<String, Progress> threads = new HashMap<>();
  private final ScheduledExecutorService timer = DaemonScheduler.named("lockwatch-thread-progress");

  public StreamThreadProgress(KafkaStreams streams, Duration stallLimit, Consumer<String> onStall) {
    // The monotonic clock: a host clock stepped by minutes must not look like a stalled thread.
    this(
        streams::state, streams::metrics, stallLimit, onStall, () -> System.nanoTime() / 1_000_000);
  }

  StreamThreadProgress(
      Supplier<KafkaStreams.State> state,
      Supplier<Map<MetricName, ? extends Metric>> metrics,
      Duration stallLimit,
      Consumer<String> onStall,
      LongSupplier clock) {
    this.state = state;
    this.metrics = metrics;
    this.stallLimit = stallLimit;
    this.onStall = onStall;
    this.clock = clock;
  }

  public void start() {
    long period = Math.max(1_000, stallLimit.toMillis() / 10);
    timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  /** One look at every thread's progress; public for tests. */
  void check() {
    KafkaStreams.State now = state.get();
    if (now != KafkaStreams.State.RUNNING && now != KafkaStreams.State.REBALANCING) {
      threads.clear();
      return;
    }
    long at = clock.getAsLong();
    Map<String, Double> polls = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> metric : metrics.get().entrySet()) {
      MetricName name = metric.getKey();
      if (GROUP.equals(name.group())
          && POLLS.equals(name.name())
          && metric.getValue().metricValue() instanceof Number count) {
        polls.put(name.tags().get("thread-id"), count.doubleValue());
      }
    }
    threads.keySet().retainAll(polls.keySet());
    for (Map.Entry<String, Double> poll : polls.entrySet()) {
      Progress progress = threads.get(poll.getKey());
      if (progress == null || progress.polls != poll.getValue()) {
        threads.put(poll.getKey(), new Progress(poll.getValue(), at));
      } else if (at - progress.since >= stallLimit.toMillis()) {
        onStall.accept(
            "Stream thread "
                + poll.getKey()
                + " has not polled for "
                + (at - progress.since) / 1000
                + " s: its tasks' locks are not being watched");
        threads.remove(poll.getKey());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private record Progress(double polls, long since) {}
}
