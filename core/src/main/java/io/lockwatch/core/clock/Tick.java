package io.lockwatch.core.clock;

import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A tick: the record a Lockwatch instance writes to each input partition it watches, every tick
 * interval, so that the partition's log carries the broker's clock (its append time) even while no
 * holder writes to it. Judgement runs on that clock and nothing else.
 *
 * <p>On the wire a tick is a {@link LockEvent} of type {@link LockEventType#TICK} with an empty key
 * and lock id (no lock can have one), fencing token 0, the writing instance as holder (its
 * incarnation names the ticker: a new one per process start), the tick number as sequence, and the
 * ticker's own clock readings as attributes:
 *
 * <ul>
 *   <li>{@value #SENT_MONO}: the ticker's monotonic clock when it sent this tick, in ms;
 *   <li>{@value #PREVIOUS_LATENCY}: how long the ticker's previous tick took from send to the
 *       broker's acknowledgement (monotonic ms), or -1 when it was not acknowledged;
 *   <li>{@value #BLIND}: for how long before this tick the ticker could not write to the partition
 *       (sends failed), in ms, 0 when it could;
 *   <li>{@value #HOST_JUMP}: how far the ticker's wall clock moved against its monotonic clock
 *       since its previous tick beyond the normal, in ms (0 when it did not jump).
 * </ul>
 *
 * @param ticker the writing ticker (the holder's incarnation), one per process start
 * @param number the tick's number, +1 per tick of the ticker on this partition
 * @param appendedAt the broker's append time: the log's clock
 * @param sentAt the ticker's wall clock when it sent the tick (the event's occurredAt)
 */
public record Tick(
    String ticker,
    String instance,
    long number,
    Instant appendedAt,
    Instant sentAt,
    long sentMonoMs,
    long previousLatencyMs,
    long blindMs,
    long hostJumpMs) {

  /** The key and lock id of every tick: empty, which no lock can be. */
  public static final String KEY = "";

  public static final String SENT_MONO = "lockwatch.tick.sent-mono-ms";
  public static final String PREVIOUS_LATENCY = "lockwatch.tick.previous-latency-ms";
  public static final String BLIND = "lockwatch.tick.blind-ms";
  public static final String HOST_JUMP = "lockwatch.tick.host-jump-ms";

  /** Whether {@code event} is a tick rather than something that happened to a lock. */
  public static boolean isTick(LockEvent event) {
    return event != null && event.getType() == LockEventType.TICK;
  }

  /** The tick a ticker sends, ready to publish to one input partition. */
  public static LockEvent event(
      HolderIdentity ticker,
      long number,
      Instant sentAt,
      long sentMonoMs,
      long previousLatencyMs,
      long blindMs,
      long hostJumpMs) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put(SENT_MONO, Long.toString(sentMonoMs));
    attributes.put(PREVIOUS_LATENCY, Long.toString(previousLatencyMs));
    attributes.put(BLIND, Long.toString(blindMs));
    attributes.put(HOST_JUMP, Long.toString(hostJumpMs));
    return LockEvent.newBuilder()
        .setEventId(ticker.getIncarnation() + ":" + number)
        .setLockId(KEY)
        .setType(LockEventType.TICK)
        .setFencingToken(0)
        .setHolder(ticker)
        .setOccurredAt(sentAt)
        .setSequence(number)
        .setAttributes(attributes)
        .build();
  }

  /**
   * Reads a tick appended at {@code appendedAt}; empty when the event is not a well-formed tick
   * (then it is bad input, not a clock reading).
   */
  public static Optional<Tick> of(LockEvent event, Instant appendedAt) {
    if (!isTick(event) || event.getHolder() == null) {
      return Optional.empty();
    }
    Map<String, String> attributes = event.getAttributes();
    try {
      return Optional.of(
          new Tick(
              event.getHolder().getIncarnation(),
              event.getHolder().getNodeId(),
              event.getSequence(),
              appendedAt,
              event.getOccurredAt(),
              Long.parseLong(attributes.get(SENT_MONO)),
              Long.parseLong(attributes.getOrDefault(PREVIOUS_LATENCY, "-1")),
              Long.parseLong(attributes.getOrDefault(BLIND, "0")),
              Long.parseLong(attributes.getOrDefault(HOST_JUMP, "0"))));
    } catch (NumberFormatException | NullPointerException e) {
      return Optional.empty();
    }
  }
}
