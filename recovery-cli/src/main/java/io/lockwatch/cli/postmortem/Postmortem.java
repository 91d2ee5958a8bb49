package io.lockwatch.cli.postmortem;

import io.lockwatch.cli.history.Entry;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.EntryText;
import io.lockwatch.cli.output.Times;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.ReclaimCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts of an incident in a window, gathered while its timeline is walked: who held each lock
 * and when, their heartbeats, where they froze, when the threshold was crossed, what Lockwatch
 * alerted and commanded, what the reclaim trigger did, and who came next.
 */
public final class Postmortem implements Timeline.Listener {

  /** One holder's tenure of a lock, as far as the window shows it. */
  public static final class Holding {
    final String lockId;
    final HolderIdentity holder;
    final long token;
    final Instant acquiredAt;
    final Instant shownFrom;
    final Long heartbeatIntervalMs;
    final List<Instant> heartbeats = new ArrayList<>();
    Instant lastHeartbeat;
    long lastSequence;
    Instant end;
    String endedBy;

    Holding(
        String lockId,
        HolderIdentity holder,
        long token,
        Instant acquiredAt,
        Instant shownFrom,
        Long heartbeatIntervalMs,
        Instant lastHeartbeat) {
      this.lockId = lockId;
      this.holder = holder;
      this.token = token;
      this.acquiredAt = acquiredAt;
      this.shownFrom = shownFrom;
      this.heartbeatIntervalMs = heartbeatIntervalMs;
      this.lastHeartbeat = lastHeartbeat;
    }

    public String label() {
      return EntryText.holder(holder) + " token " + token;
    }
  }

  /** Something that happened at an instant, for the text and the drawing. */
  public record Fact(
      Instant time, String lockId, Kind kind, String text, Map<String, String> data) {}

  /** What a fact is; the drawing gives each its own mark. */
  public enum Kind {
    ACQUIRED,
    LAST_HEARTBEAT,
    THRESHOLD_CROSSED,
    ZOMBIE,
    ALERT,
    COMMAND,
    RECLAIMED,
    RECLAIM_REJECTED,
    RELEASED,
    OPERATOR,
    FROZEN
  }

  private final Times times;
  private final Selection selection;
  private final Instant from;
  private final Instant to;
  private final Map<String, LockState> atStart = new LinkedHashMap<>();
  private final List<Holding> holdings = new ArrayList<>();
  private final Map<String, Holding> open = new HashMap<>();
  private final Map<String, Long> lastTokens = new HashMap<>();
  private final List<Fact> facts = new ArrayList<>();
  private Instant first;
  private Instant last;

  public Postmortem(Times times, Selection selection, Instant from, Instant to) {
    this.times = times;
    this.selection = selection;
    this.from = from;
    this.to = to;
  }

  @Override
  public void windowStarts(Instant start, HistoryFold fold) {
    fold.states()
        .forEach(
            (lockId, state) -> {
              if (!selection.lockMatches(lockId)) {
                return;
              }
              boolean held = state.getStatus() != LockStatus.FREE && state.getHolder() != null;
              if (selection.node().isPresent()
                  && !(held && selection.node().get().equals(state.getHolder().getNodeId()))) {
                return;
              }
              lastTokens.put(lockId, state.getFencingToken());
              if (selection.lockId().isPresent() || held) {
                atStart.put(lockId, LockState.newBuilder(state).build());
              }
              if (held) {
                Holding holding =
                    new Holding(
                        lockId,
                        state.getHolder(),
                        state.getFencingToken(),
                        state.getAcquiredAt(),
                        start,
                        state.getHeartbeatIntervalMs(),
                        state.getLastHeartbeatAt());
                holding.lastSequence = state.getLastSequence();
                holdings.add(holding);
                open.put(lockId, holding);
              }
            });
  }

  @Override
  public void entry(Entry entry, HistoryFold fold) {
    first = first == null ? entry.time() : first;
    last = entry.time();
    switch (entry.kind()) {
      case EVENT -> event(entry, fold);
      case ALERT -> alert(entry);
      case COMMAND -> command(entry);
      case ACTION ->
          fact(
              entry,
              Kind.OPERATOR,
              "operator "
                  + entry.action().getOperator()
                  + " sent "
                  + entry.action().getType()
                  + " for token "
                  + entry.action().getFencingToken()
                  + (entry.action().getReason() != null ? ": " + entry.action().getReason() : ""),
              Map.of());
    }
  }

  private void event(Entry entry, HistoryFold fold) {
    LockEvent event = entry.event();
    Holding holding = open.get(entry.lockId());
    boolean current = holding != null && holding.token == event.getFencingToken();
    switch (event.getType()) {
      case ACQUIRED -> {
        LockState state = fold.state(entry.lockId());
        if (state == null || state.getFencingToken() != event.getFencingToken()) {
          return; // not applied (a token regression): its alert tells
        }
        if (holding != null) {
          close(holding, entry.time(), "superseded by token " + event.getFencingToken());
        }
        Holding next =
            new Holding(
                entry.lockId(),
                event.getHolder(),
                event.getFencingToken(),
                entry.time(),
                entry.time(),
                event.getHeartbeatIntervalMs(),
                entry.time());
        holdings.add(next);
        open.put(entry.lockId(), next);
        Long before = lastTokens.put(entry.lockId(), event.getFencingToken());
        String previous =
            before == null
                ? ""
                : " (+" + (event.getFencingToken() - before) + " over token " + before + ")";
        fact(
            entry,
            Kind.ACQUIRED,
            EntryText.holder(event.getHolder())
                + " acquired "
                + entry.lockId()
                + ", token "
                + event.getFencingToken()
                + previous
                + (event.getHeartbeatIntervalMs() != null
                    ? ", heartbeat every "
                        + Times.duration(Duration.ofMillis(event.getHeartbeatIntervalMs()))
                    : ""),
            Map.of("token", Long.toString(event.getFencingToken())));
      }
      case HEARTBEAT -> {
        if (current && holding.end == null) {
          holding.heartbeats.add(entry.time());
          holding.lastHeartbeat = entry.time();
          holding.lastSequence = event.getSequence();
        } else {
          fact(
              entry,
              Kind.ZOMBIE,
              "zombie: "
                  + EntryText.holder(event.getHolder())
                  + " heartbeat with token "
                  + event.getFencingToken()
                  + " (seq "
                  + event.getSequence()
                  + ") after its holding ended",
              Map.of("token", Long.toString(event.getFencingToken())));
        }
      }
      case RELEASED -> {
        if (current && holding.end == null) {
          close(holding, entry.time(), "released");
          fact(
              entry,
              Kind.RELEASED,
              EntryText.holder(event.getHolder())
                  + " released "
                  + entry.lockId()
                  + " (token "
                  + event.getFencingToken()
                  + ")"
                  + (event.getReason() != null ? ": " + event.getReason() : ""),
              Map.of());
        }
      }
      case RECLAIMED -> {
        if (current && holding.end == null) {
          close(holding, entry.time(), "reclaimed by " + event.getActor());
        }
        fact(
            entry,
            Kind.RECLAIMED,
            "reclaimed by "
                + event.getActor()
                + " (command "
                + event.getCommandId()
                + ", token "
                + event.getFencingToken()
                + "): "
                + entry.lockId()
                + " is free",
            Map.of("command", String.valueOf(event.getCommandId())));
      }
      case RECLAIM_REJECTED ->
          fact(
              entry,
              Kind.RECLAIM_REJECTED,
              "reclaim rejected by "
                  + event.getActor()
                  + " (command "
                  + event.getCommandId()
                  + ")"
                  + (event.getReason() != null ? ": " + event.getReason() : ""),
              Map.of("command", String.valueOf(event.getCommandId())));
      default -> {}
    }
  }

  private void close(Holding holding, Instant at, String endedBy) {
    holding.end = at;
    holding.endedBy = endedBy;
    open.remove(holding.lockId);
  }

  private void alert(Entry entry) {
    Alert alert = entry.alert();
    if (alert.getReason() == AlertReason.ZOMBIE_HEARTBEAT) {
      // The zombie heartbeat itself is a fact already; the alert adds when Lockwatch said so.
      fact(
          entry,
          Kind.ALERT,
          "Lockwatch alerted ZOMBIE_HEARTBEAT",
          Map.of("reason", "ZOMBIE_HEARTBEAT"));
      return;
    }
    if (alert.getReason() == AlertReason.STALE_LOCK_DETECTED) {
      thresholdCrossed(
          entry.lockId(),
          alert.getLastHeartbeatObservedAt(),
          alert.getThresholdMs(),
          alert.getHolder());
    }
    fact(
        entry,
        Kind.ALERT,
        "Lockwatch alerted " + alert.getReason() + " (" + alert.getSeverity() + ")",
        Map.of("reason", alert.getReason().name()));
  }

  private void command(Entry entry) {
    ReclaimCommand command = entry.command();
    Instant crossing =
        thresholdCrossed(
            entry.lockId(),
            command.getLastHeartbeatObservedAt(),
            command.getThresholdMs(),
            command.getHolder());
    String delay =
        crossing == null
            ? ""
            : ", "
                + Times.duration(Duration.between(crossing, entry.time()))
                + " after the threshold crossing";
    fact(
        entry,
        Kind.COMMAND,
        "Lockwatch issued reclaim command "
            + command.getCommandId()
            + " for token "
            + command.getFencingToken()
            + " and last heartbeat seq "
            + command.getLastHeartbeatSequence()
            + " (policy "
            + command.getPolicy()
            + delay
            + ")",
        Map.of(
            "command", command.getCommandId(), "token", Long.toString(command.getFencingToken())));
  }

  /** Records the threshold crossing once per lock and heartbeat; returns it. */
  private Instant thresholdCrossed(
      String lockId, Instant lastObserved, Long thresholdMs, HolderIdentity holder) {
    if (lastObserved == null || thresholdMs == null) {
      return null;
    }
    Instant crossing = lastObserved.plusMillis(thresholdMs);
    boolean known =
        facts.stream()
            .anyMatch(
                f ->
                    f.kind() == Kind.THRESHOLD_CROSSED
                        && f.lockId().equals(lockId)
                        && f.time().equals(crossing));
    if (!known) {
      facts.add(
          new Fact(
              lastObserved,
              lockId,
              Kind.LAST_HEARTBEAT,
              "last heartbeat of " + EntryText.holder(holder) + " that Lockwatch saw",
              Map.of()));
      facts.add(
          new Fact(
              crossing,
              lockId,
              Kind.THRESHOLD_CROSSED,
              "threshold crossed: "
                  + Times.duration(Duration.ofMillis(thresholdMs))
                  + " without a heartbeat from "
                  + EntryText.holder(holder),
              Map.of("threshold", Long.toString(thresholdMs))));
    }
    return crossing;
  }

  private void fact(Entry entry, Kind kind, String text, Map<String, String> data) {
    facts.add(new Fact(entry.time(), entry.lockId(), kind, text, data));
  }

  // ------------------------------------------------------------------ results

  public Instant from() {
    return from != null ? from : first;
  }

  public Instant to() {
    return to != null ? to : last;
  }

  public Times times() {
    return times;
  }

  public Selection selection() {
    return selection;
  }

  public Map<String, LockState> atStart() {
    return atStart;
  }

  public List<Holding> holdings() {
    return holdings;
  }

  /** Every fact in time order, with the frozen spans last-heartbeat-to-end added. */
  public List<Fact> facts() {
    List<Fact> all = new ArrayList<>(facts);
    for (Holding holding : holdings) {
      Instant frozenFrom = holding.lastHeartbeat;
      boolean reclaimed = holding.endedBy != null && holding.endedBy.startsWith("reclaimed");
      if (reclaimed && frozenFrom != null) {
        all.add(
            new Fact(
                holding.end,
                holding.lockId,
                Kind.FROZEN,
                EntryText.holder(holding.holder)
                    + "'s heartbeat froze at "
                    + times.full(frozenFrom)
                    + " and stayed frozen for "
                    + Times.duration(Duration.between(frozenFrom, holding.end))
                    + ", until the reclaim",
                Map.of()));
      }
    }
    all.sort(java.util.Comparator.comparing(Fact::time).thenComparing(Fact::kind));
    return all;
  }

  /** The holdings' frozen spans: last heartbeat to reclaim, or to the window's end if open. */
  Instant frozenUntil(Holding holding) {
    if (holding.lastHeartbeat == null || holding.heartbeatIntervalMs == null) {
      return null;
    }
    Instant end = holding.end != null ? holding.end : to();
    Duration silent = Duration.between(holding.lastHeartbeat, end);
    return silent.toMillis() > 2 * holding.heartbeatIntervalMs ? end : null;
  }
}
