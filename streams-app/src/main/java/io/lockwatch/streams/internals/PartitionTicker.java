package io.lockwatch.streams.internals;

import io.lockwatch.core.clock.Tick;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link Tick} to each input partition this instance watches, every tick interval, so that
 * each partition's log carries the broker's clock while no holder writes to it: the tasks judge on
 * those append times, never on this machine's clock.
 *
 * <p>Scheduled on the monotonic clock (a step of the wall clock neither stops nor bunches ticks).
 * One tick in flight per partition: the next waits for the broker's acknowledgement, and carries
 * how long that took, so the tasks can tell a tick held up by an outage (see {@code LogClock}).
 * Each acknowledgement also measures this instance's clock against the partition leader's (NTP
 * style: the append time against the midpoint of send and acknowledgement), which {@code
 * lockwatch_clock_offset_seconds} shows. A wall clock that moves differently from the monotonic
 * clock between two rounds is a jump of this host's clock: logged, counted and told to the tasks in
 * the next tick, which alert on it.
 */
public final class PartitionTicker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionTicker.class);

  /** What the ticker reports to: the clock offset per partition and host clock jumps. */
  public interface Readings {
    /** This instance's clock minus partition {@code partition}'s leader's, and its uncertainty. */
    void offset(int partition, long offsetMs, long uncertaintyMs);

    /** The partition is no longer ticked here: its offset reading is void. */
    void forget(int partition);

    void hostClockJumped(long jumpMs);

    void tickFailed();
  }

  private static final class PartitionTicks {
    private long next;
    private volatile boolean inFlight;
    private volatile long sentMono;
    private volatile long sentWall;
    private volatile long lastLatencyMs = -1;
    private volatile long failingSinceMono = -1;
  }

  private final Producer<String, LockEvent> producer;
  private final String topic;
  private final HolderIdentity identity;
  private final Duration interval;
  private final long jumpBoundMs;
  private final Supplier<Set<Integer>> partitions;
  private final Readings readings;
  private final LongSupplier monotonicMs;
  private final LongSupplier wallMs;
  private final Map<Integer, PartitionTicks> ticks = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private long lastRoundMono = -1;
  private long lastRoundWall;
  private long pendingHostJumpMs;

  /**
   * @param partitions the input partitions whose tasks are active on this instance right now
   */
  public PartitionTicker(
      Producer<String, LockEvent> producer,
      String topic,
      HolderIdentity identity,
      Duration interval,
      Duration jumpBound,
      Supplier<Set<Integer>> partitions,
      Readings readings) {
    this(
        producer,
        topic,
        identity,
        interval,
        jumpBound,
        partitions,
        readings,
        () -> System.nanoTime() / 1_000_000,
        System::currentTimeMillis);
  }

  PartitionTicker(
      Producer<String, LockEvent> producer,
      String topic,
      HolderIdentity identity,
      Duration interval,
      Duration jumpBound,
      Supplier<Set<Integer>> partitions,
      Readings readings,
      LongSupplier monotonicMs,
      LongSupplier wallMs) {
    this.producer = producer;
    this.topic = topic;
    this.identity = identity;
    this.interval = interval;
    this.jumpBoundMs = jumpBound.toMillis();
    this.partitions = partitions;
    this.readings = readings;
    this.monotonicMs = monotonicMs;
    this.wallMs = wallMs;
    this.scheduler = DaemonScheduler.named("lockwatch-ticker");
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(
        this::safeRound, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void safeRound() {
    try {
      round();
    } catch (RuntimeException e) {
      // A send that cannot even be queued (metadata unavailable past max.block.ms): the next
      // round tries again, and the partition's ticks say how long it could not write.
      readings.tickFailed();
      LOG.debug("A tick round failed", e);
    }
  }

  /** One round: a tick to every watched partition without one in flight. */
  void round() {
    long mono = monotonicMs.getAsLong();
    long wall = wallMs.getAsLong();
    if (lastRoundMono >= 0) {
      long drift = (wall - lastRoundWall) - (mono - lastRoundMono);
      if (Math.abs(drift) > jumpBoundMs) {
        pendingHostJumpMs += drift;
        readings.hostClockJumped(drift);
        LOG.warn(
            "This host's clock jumped by {} ms (its monotonic clock says {} ms passed); Lockwatch"
                + " judges on the brokers' append times, so no lock is judged by it",
            drift,
            mono - lastRoundMono);
      }
    }
    lastRoundMono = mono;
    lastRoundWall = wall;
    Set<Integer> watched = partitions.get();
    ticks
        .keySet()
        .removeIf(
            partition -> {
              if (!watched.contains(partition)) {
                readings.forget(partition);
                return true;
              }
              return false;
            });
    for (int partition : watched.stream().sorted().toList()) {
      PartitionTicks state = ticks.computeIfAbsent(partition, p -> new PartitionTicks());
      if (state.inFlight) {
        continue;
      }
      long blind = state.failingSinceMono >= 0 ? mono - state.failingSinceMono : 0;
      long hostJump = pendingHostJumpMs;
      LockEvent tick =
          Tick.event(
              identity,
              state.next++,
              Instant.ofEpochMilli(wall),
              mono,
              state.lastLatencyMs,
              blind,
              hostJump);
      state.inFlight = true;
      state.sentMono = mono;
      state.sentWall = wall;
      try {
        producer.send(
            new ProducerRecord<>(topic, partition, Tick.KEY, tick),
            (metadata, error) -> acknowledged(partition, state, metadata, error));
      } catch (RuntimeException e) {
        state.inFlight = false;
        failed(state);
        throw e;
      }
      // Told once, in the first tick sent after it.
      pendingHostJumpMs -= hostJump;
    }
  }

  private void acknowledged(
      int partition, PartitionTicks state, RecordMetadata metadata, Exception error) {
    long ackMono = monotonicMs.getAsLong();
    if (error == null) {
      long latency = ackMono - state.sentMono;
      state.lastLatencyMs = latency;
      state.failingSinceMono = -1;
      if (metadata.hasTimestamp()) {
        long midpoint = state.sentWall + latency / 2;
        readings.offset(partition, midpoint - metadata.timestamp(), (latency + 1) / 2);
      }
    } else {
      LOG.debug("A tick to {}-{} failed", topic, partition, error);
      failed(state);
    }
    state.inFlight = false;
  }

  private void failed(PartitionTicks state) {
    state.lastLatencyMs = -1;
    if (state.failingSinceMono < 0) {
      state.failingSinceMono = state.sentMono;
    }
    readings.tickFailed();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(2));
  }
}
