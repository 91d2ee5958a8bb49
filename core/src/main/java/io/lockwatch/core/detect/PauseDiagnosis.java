package io.lockwatch.core.detect;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why a holder's heartbeat came back after a gap, as far as Lockwatch can tell from what it saw:
 *
 * <ul>
 *   <li>{@link Cause#CLOCK_JUMP}: the holder's own clock (the events' {@code occurredAt}) moved by
 *       a different amount than Lockwatch observed: its clock jumped, so its own view of the gap
 *       cannot be trusted.
 *   <li>{@link Cause#NODE_PAUSE}: another lock of the same node went quiet and came back at the
 *       same times: the whole node (VM, container, host) was paused.
 *   <li>{@link Cause#PROCESS_PAUSE}: otherwise: one process paused (a GC pause, a stopped process).
 * </ul>
 *
 * <p>Remembers the last few comebacks per node (bounded: at most {@value #MAX_NODES} nodes), so a
 * node pause is recognised from the second lock of the node that comes back; the first one is
 * reported as a process pause. One per fold (a task of the streams app): locks of the node in other
 * partitions are not seen, and a fold that starts afresh (a task started or revived) starts with no
 * memory, so a task's causes depend on its own partition's inputs only. Thread-safe.
 */
public final class PauseDiagnosis {
  static final int MAX_NODES = 10_000;
  private static final int COMEBACKS_PER_NODE = 8;

  /** How close two gaps' starts and ends must be to count as one pause of the node. */
  static final Duration TOGETHER = Duration.ofSeconds(2);

  /** How much more than this the holder's clock may differ from Lockwatch's before it jumped. */
  private static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(1);

  public enum Cause {
    NODE_PAUSE,
    PROCESS_PAUSE,
    CLOCK_JUMP
  }

  /**
   * A diagnosed pause: the gap Lockwatch observed, the gap by the holder's clock, the likely cause,
   * and for a node pause another lock of the node that paused with it.
   */
  public record Pause(long gapMs, long holderGapMs, Cause cause, Optional<String> together) {}

  private record Comeback(String lockId, Instant gapStart, Instant resumedAt) {}

  private final Map<String, Deque<Comeback>> byNode =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Comeback>> eldest) {
          return size() > MAX_NODES;
        }
      };

  /**
   * Diagnoses, and remembers, the comeback of {@code lockId} held by {@code nodeId}: silent (as
   * observed) from {@code gapStart} to {@code resumedAt}, while the holder's clock moved {@code
   * holderGapMs}.
   */
  public synchronized Pause diagnose(
      String nodeId, String lockId, Instant gapStart, Instant resumedAt, long holderGapMs) {
    long gapMs = Duration.between(gapStart, resumedAt).toMillis();
    Deque<Comeback> comebacks = byNode.computeIfAbsent(nodeId, node -> new ArrayDeque<>());
    Optional<String> together = Optional.empty();
    for (Comeback other : comebacks) {
      if (!other.lockId().equals(lockId)
          && close(other.gapStart(), gapStart)
          && close(other.resumedAt(), resumedAt)) {
        together = Optional.of(other.lockId());
        break;
      }
    }
    comebacks.addFirst(new Comeback(lockId, gapStart, resumedAt));
    if (comebacks.size() > COMEBACKS_PER_NODE) {
      comebacks.removeLast();
    }
    long tolerance = Math.max(CLOCK_TOLERANCE.toMillis(), gapMs / 2);
    Cause cause =
        Math.abs(holderGapMs - gapMs) > tolerance
            ? Cause.CLOCK_JUMP
            : together.isPresent() ? Cause.NODE_PAUSE : Cause.PROCESS_PAUSE;
    return new Pause(
        gapMs, holderGapMs, cause, cause == Cause.NODE_PAUSE ? together : Optional.empty());
  }

  private static boolean close(Instant a, Instant b) {
    return Duration.between(a, b).abs().compareTo(TOGETHER) <= 0;
  }
}
