package io.lockwatch.streams;

import io.lockwatch.events.LockEventType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chaos suite's judge, in the style of Kafka's exactly-once system tests: it trusts nothing the
 * app wrote to decide what the app should have done. From the input log alone (each record's append
 * time, the broker's clock that the app judges by), it recomputes which holdings went silent past
 * the threshold, and then checks the reclaim commands against that.
 *
 * <p>A holding whose longest silence is within {@code slack} of the threshold may go either way
 * (the app checks on a period and its clock is read a little after the record's), so it is counted
 * apart: at most one command, never two.
 */
final class ChaosVerifier {
  /** One decoded input event; {@code appendTime} is the record's timestamp (LogAppendTime). */
  record InputEvent(String lockId, long token, LockEventType type, long appendTime) {}

  /** One committed reclaim command. */
  record Command(String lockId, long token, long issuedAt) {}

  record Holding(String lockId, long token) implements Comparable<Holding> {
    @Override
    public int compareTo(Holding other) {
      return Comparator.comparing(Holding::lockId)
          .thenComparingLong(Holding::token)
          .compare(this, other);
    }

    @Override
    public String toString() {
      return lockId + "@" + token;
    }
  }

  enum Verdict {
    /** Silent past threshold + slack: exactly one command. */
    MUST,
    /** Never silent past threshold - slack: no command. */
    MUST_NOT,
    /** Silent within slack of the threshold: no more than one command. */
    EITHER
  }

  /**
   * A holding's verdict. {@code silentFrom} is the append time of the last holder event before its
   * longest silence; {@code commands} the issue times of the commands naming it.
   */
  record Judged(
      Holding holding,
      Verdict verdict,
      long longestSilenceMs,
      long silentFrom,
      List<Long> commands) {
    /** How long after the threshold passed the (first) command came; -1 without one. */
    long delayPastThresholdMs(Duration threshold) {
      return commands.isEmpty() ? -1 : commands.get(0) - (silentFrom + threshold.toMillis());
    }

    boolean wrong() {
      return switch (verdict) {
        case MUST -> commands.size() != 1;
        case MUST_NOT -> !commands.isEmpty();
        case EITHER -> commands.size() > 1;
      };
    }
  }

  /** Every holding seen, and the commands for holdings the log never showed. */
  record Report(List<Judged> holdings, List<Command> unknownCommands) {
    List<Judged> missed() {
      return holdings.stream()
          .filter(judged -> judged.verdict() == Verdict.MUST && judged.commands().isEmpty())
          .toList();
    }

    List<Judged> liveReclaimed() {
      return holdings.stream()
          .filter(judged -> judged.verdict() == Verdict.MUST_NOT && !judged.commands().isEmpty())
          .toList();
    }

    int duplicates() {
      return holdings.stream().mapToInt(judged -> Math.max(0, judged.commands().size() - 1)).sum();
    }

    long count(Verdict verdict) {
      return holdings.stream().filter(judged -> judged.verdict() == verdict).count();
    }
  }

  private ChaosVerifier() {}

  /**
   * Judges every holding in {@code inputs} (in log order per lock) against {@code commands}. {@code
   * observedUpTo} is when the log was read: a holding its holder neither released nor saw reclaimed
   * has been silent since its last event until then.
   */
  static Report verify(
      List<InputEvent> inputs,
      List<Command> commands,
      Duration threshold,
      Duration slack,
      long observedUpTo) {
    return verify(inputs, commands, threshold, slack, observedUpTo, lockId -> List.of());
  }

  /**
   * As above, knowing the outages of each lock's log ({@code [from, to]} append times between which
   * its partition took no record at all, ticks included: its leader was gone). A holder cannot be
   * heard while its log is down: a holding must be reclaimed only if it was silent too long counted
   * from the outage's end (the app's fresh threshold, as etcd extends leases on a new leader); one
   * silent too long only across an outage may go either way (the app judges afresh when its ticker
   * saw the log go blind, else on the raw silence).
   */
  static Report verify(
      List<InputEvent> inputs,
      List<Command> commands,
      Duration threshold,
      Duration slack,
      long observedUpTo,
      java.util.function.Function<String, List<long[]>> outagesOf) {
    Map<Holding, List<InputEvent>> byHolding = new LinkedHashMap<>();
    for (InputEvent event : inputs) {
      byHolding
          .computeIfAbsent(new Holding(event.lockId(), event.token()), key -> new ArrayList<>())
          .add(event);
    }
    Map<Holding, List<Long>> issued = new TreeMap<>();
    List<Command> unknown = new ArrayList<>();
    for (Command command : commands) {
      Holding holding = new Holding(command.lockId(), command.token());
      if (byHolding.containsKey(holding)) {
        issued.computeIfAbsent(holding, key -> new ArrayList<>()).add(command.issuedAt());
      } else {
        unknown.add(command);
      }
    }
    List<Judged> judged = new ArrayList<>();
    new TreeMap<>(byHolding)
        .forEach(
            (holding, events) -> {
              long[] silence =
                  longestSilence(events, observedUpTo, outagesOf.apply(holding.lockId()));
              long raw = longestSilence(events, observedUpTo, List.of())[0];
              long ms = silence[0];
              // Must: silent too long even counted from the end of any outage of its log. Must
              // not: never silent long, outages included. Across an outage, either: the app
              // judges afresh from it when its ticker saw the log go blind, else on the raw
              // silence.
              Verdict verdict =
                  ms > threshold.plus(slack).toMillis()
                      ? Verdict.MUST
                      : raw < threshold.minus(slack).toMillis() ? Verdict.MUST_NOT : Verdict.EITHER;
              List<Long> times = new ArrayList<>(issued.getOrDefault(holding, List.of()));
              times.sort(Comparator.naturalOrder());
              judged.add(new Judged(holding, verdict, ms, silence[1], List.copyOf(times)));
            });
    return new Report(List.copyOf(judged), List.copyOf(unknown));
  }

  /**
   * The longest silence of the holder within its holding, and when it began: between its own events
   * (ACQUIRED, HEARTBEAT), and from the last of them to the holding's end (its RELEASED: no
   * silence; a trigger's RECLAIMED: until then; neither: until {@code observedUpTo}). A trigger's
   * RECLAIM_REJECTED does not end the holding.
   */
  private static long[] longestSilence(
      List<InputEvent> events, long observedUpTo, List<long[]> outages) {
    long longest = 0;
    long from = -1;
    long last = -1;
    long end = observedUpTo;
    for (InputEvent event : events) {
      if (event.type() == LockEventType.RELEASED) {
        end = last < 0 ? event.appendTime() : last;
        break;
      }
      if (event.type() == LockEventType.RECLAIMED) {
        end = event.appendTime();
        break;
      }
      if (event.type() == LockEventType.ACQUIRED || event.type() == LockEventType.HEARTBEAT) {
        if (last >= 0) {
          long start = afterOutages(last, event.appendTime(), outages);
          if (event.appendTime() - start > longest) {
            longest = event.appendTime() - start;
            from = start;
          }
        }
        last = event.appendTime();
      }
    }
    if (last >= 0) {
      long start = afterOutages(last, end, outages);
      if (end - start > longest) {
        longest = end - start;
        from = start;
      }
    }
    return new long[] {longest, from};
  }

  /**
   * Where a silence from {@code from} to {@code to} counts from: the end of the last outage in it.
   */
  private static long afterOutages(long from, long to, List<long[]> outages) {
    long start = from;
    for (long[] outage : outages) {
      if (outage[1] > start && outage[1] <= to) {
        start = outage[1];
      }
    }
    return start;
  }
}
