package io.lockwatch.core.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One input partition's clock, read from its log: the broker's append time of the ticks on it. A
 * staleness judgement compares a lock's last observed heartbeat (an append time on the same log)
 * with this clock only, never with a clock of the machine judging, so neither a watchdog host whose
 * clock is off or stepped nor processing lag can make a live lock look stale; and since the clock
 * is in the log, replaying the log reproduces every judgement.
 *
 * <p>A tick moves the clock once the next tick of the same ticker confirms it was appended promptly
 * (it carries the previous tick's send-to-acknowledgement latency), so the clock lags one tick
 * interval. That is what makes an outage safe: while a partition cannot be written, holders'
 * heartbeats and the ticker's tick wait together, and after it a tick is appended next to them at a
 * time far ahead of the last; judging at that time before their heartbeats are read would reclaim
 * live locks. Instead the clock sees the jump first:
 *
 * <ul>
 *   <li>{@link JumpKind#LOG_BLIND}: a tick took longer than the jump bound from send to append, or
 *       the ticker could not write at all for longer than that: the log was blind;
 *   <li>{@link JumpKind#LOG_AHEAD}: between two confirmed ticks the append time ran ahead of the
 *       ticker's monotonic clock by more than the bound (plus the latencies): the broker's clock
 *       jumped forward (an NTP step, a leader with another clock);
 *   <li>{@link JumpKind#LOG_BEHIND}: it fell behind: the clock holds until the log catches up, so
 *       judgement waits, which is safe;
 *   <li>{@link JumpKind#HOST}: the ticker's own wall clock jumped (reported by the ticker): no
 *       judgement uses it; said so the operator knows.
 * </ul>
 *
 * After an ahead or blind jump every lock silent across it gets a fresh threshold from the jump
 * ({@link #freshFrom()}), as etcd's lessor extends every lease when a leader takes over and
 * ZooKeeper's new leader gives every session a fresh timeout: a holder that is alive renews within
 * it, a dead one is reclaimed one threshold later. Late, never wrong.
 *
 * <p>Not thread-safe: one per task (partition), fed in log order.
 */
public final class LogClock {
  /** Tickers remembered per partition: more than one ticks while a partition changes owner. */
  private static final int TICKERS = 8;

  public enum JumpKind {
    LOG_AHEAD,
    LOG_BEHIND,
    LOG_BLIND,
    HOST
  }

  /**
   * A jump seen on this partition's log.
   *
   * @param sizeMs how far the clock moved beyond the elapsed time (negative: behind), or how long
   *     the log was blind
   * @param at the append time of the tick that showed it
   * @param instance the Lockwatch instance whose ticker saw it
   */
  public record Jump(JumpKind kind, long sizeMs, Instant at, String instance) {}

  private static final class TickerTicks {
    private Tick pending;
    private Tick confirmed;
    private long confirmedLatencyMs;
  }

  private final long boundMs;
  private final Map<String, TickerTicks> tickers =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TickerTicks> eldest) {
          return size() > TICKERS;
        }
      };
  private Instant now;
  private Instant freshFrom;

  /**
   * @param jumpBound how far the log's clock may move beyond the elapsed time (or a tick take to be
   *     appended) before it counts as a jump
   * @param freshFrom the last jump this partition's locks got a fresh threshold from (kept across
   *     restarts), or null
   */
  public LogClock(Duration jumpBound, Instant freshFrom) {
    this.boundMs = jumpBound.toMillis();
    this.freshFrom = freshFrom;
  }

  /** Reads a tick, in log order; returns the jumps it showed (usually none). */
  public List<Jump> onTick(Tick tick) {
    Objects.requireNonNull(tick);
    List<Jump> jumps = new ArrayList<>(0);
    if (tick.hostJumpMs() != 0) {
      jumps.add(new Jump(JumpKind.HOST, tick.hostJumpMs(), tick.appendedAt(), tick.instance()));
    }
    if (tick.blindMs() > boundMs) {
      jumps.add(new Jump(JumpKind.LOG_BLIND, tick.blindMs(), tick.appendedAt(), tick.instance()));
      freshFrom(tick.appendedAt());
    }
    TickerTicks ticks = tickers.computeIfAbsent(tick.ticker(), ticker -> new TickerTicks());
    Tick pending = ticks.pending;
    if (pending != null && pending.number() + 1 == tick.number() && tick.previousLatencyMs() >= 0) {
      long latency = tick.previousLatencyMs();
      if (latency > boundMs) {
        jumps.add(new Jump(JumpKind.LOG_BLIND, latency, pending.appendedAt(), tick.instance()));
        freshFrom(pending.appendedAt());
      } else if (ticks.confirmed != null && ticks.confirmed.number() + 1 == pending.number()) {
        // Each was appended between its send and its acknowledgement, so the append times may
        // differ from the sends' by the two latencies at most; beyond that the log's clock moved.
        long excess =
            Duration.between(ticks.confirmed.appendedAt(), pending.appendedAt()).toMillis()
                - (pending.sentMonoMs() - ticks.confirmed.sentMonoMs());
        if (excess > boundMs + latency) {
          jumps.add(new Jump(JumpKind.LOG_AHEAD, excess, pending.appendedAt(), tick.instance()));
          freshFrom(pending.appendedAt());
        } else if (excess < -(boundMs + ticks.confirmedLatencyMs)) {
          jumps.add(new Jump(JumpKind.LOG_BEHIND, excess, pending.appendedAt(), tick.instance()));
        }
      }
      ticks.confirmed = pending;
      ticks.confirmedLatencyMs = latency;
      if (now == null || pending.appendedAt().isAfter(now)) {
        now = pending.appendedAt();
      }
    }
    ticks.pending = tick;
    return jumps;
  }

  /**
   * The partition's clock: the latest confirmed tick's append time. Every input appended before it
   * has been read (the log is read in order), so a deadline before it can be judged. Empty until a
   * tick is confirmed.
   */
  public Optional<Instant> now() {
    return Optional.ofNullable(now);
  }

  /** The last ahead or blind jump: locks silent across it are judged from it afresh. */
  public Optional<Instant> freshFrom() {
    return Optional.ofNullable(freshFrom);
  }

  private void freshFrom(Instant at) {
    if (freshFrom == null || at.isAfter(freshFrom)) {
      freshFrom = at;
    }
  }
}
