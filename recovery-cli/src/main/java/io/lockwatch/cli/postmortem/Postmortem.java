package io.lockwatch.cli.postmortem;

import io.lockwatch.cli.history.Entry;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.Judgement;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.EntryText;
import io.lockwatch.cli.output.Times;
import io.lockwatch.core.AlertEvidence;
import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.Outcome;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.events.ReclaimReason;
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
    final Long thresholdMs;
    final List<Instant> heartbeats = new ArrayList<>();
    final List<Span> holds = new ArrayList<>();
    Instant awaitingSince;
    Instant lastHeartbeat;
    long lastSequence;
    Instant end;
    Ending ending;
    String endedBy;
    // How long the heartbeat may stay silent, as the rules last had it (the accrual detector's
    // learned deadline, else the threshold).
    Long staleAfterMs;

    Holding(
        String lockId,
        HolderIdentity holder,
        long token,
        Instant acquiredAt,
        Instant shownFrom,
        Long heartbeatIntervalMs,
        Long thresholdMs,
        Instant lastHeartbeat) {
      this.lockId = lockId;
      this.thresholdMs = thresholdMs;
      this.staleAfterMs = thresholdMs;
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

    /** Ends the hold for approval, if one is open: the operator answered or the lock moved on. */
    void endHold(Instant at, String how) {
      if (awaitingSince != null) {
        holds.add(new Span(awaitingSince, at, how));
        awaitingSince = null;
      }
    }
  }

  /** A span of a holding: the time it was held for an operator's approval, and how it ended. */
  public record Span(Instant from, Instant to, String endedBy) {}

  /** How a holding ended, as a value (its text, endedBy, is for people). */
  public enum Ending {
    RELEASED,
    RECLAIMED,
    SUPERSEDED
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
    OPERATOR_REFUSED,
    RENEWED,
    DUPLICATE,
    SEQUENCE_GAP,
    AWAITING_APPROVAL,
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
                        LockStateMachine.staleAfterMs(state),
                        state.getLastHeartbeatObservedAt());
                holding.lastSequence = state.getLastSequence();
                if (state.getStatus() == LockStatus.AWAITING_APPROVAL) {
                  holding.awaitingSince = start;
                }
                holdings.add(holding);
                open.put(lockId, holding);
              }
            });
  }

  @Override
  public void entry(Entry entry, Judgement judgement, HistoryFold fold) {
    first = first == null ? entry.time() : first;
    last = entry.time();
    switch (entry.kind()) {
      case EVENT -> event(entry, judgement, fold);
      case ALERT -> alert(entry);
      case COMMAND -> command(entry);
      case ACTION -> action(entry, judgement);
    }
  }

  /** An operator's action, with the verdict of the rules. */
  private void action(Entry entry, Judgement judgement) {
    OperatorAction action = entry.action();
    boolean refused = judgement.outcome() == Outcome.REFUSED;
    String asked =
        "operator "
            + action.getOperator()
            + " sent "
            + action.getType()
            + " for token "
            + action.getFencingToken()
            + (action.getReason() != null ? " (\"" + action.getReason() + "\")" : "");
    if (refused) {
      String why =
          judgement
              .alertEvidence(AlertReason.MANUAL_RECLAIM_REFUSED, AlertEvidence.REFUSED_BECAUSE)
              .orElse("it did not match the lock");
      fact(entry, Kind.OPERATOR_REFUSED, asked + ": refused, " + why, Map.of("verdict", "refused"));
      return;
    }
    Holding holding = open.get(entry.lockId());
    String verdict =
        switch (action.getType()) {
          case DENY_RECLAIM -> {
            if (holding != null) {
              holding.endHold(entry.time(), "denied by " + action.getOperator());
            }
            yield "accepted: no reclaim; the lock stays STALE";
          }
          case APPROVE_RECLAIM -> {
            if (holding != null) {
              holding.endHold(entry.time(), "approved by " + action.getOperator());
            }
            yield "accepted: Lockwatch issues the reclaim";
          }
          default -> "accepted: Lockwatch issues the reclaim";
        };
    fact(entry, Kind.OPERATOR, asked + ": " + verdict, Map.of("verdict", "accepted"));
  }

  private void event(Entry entry, Judgement judgement, HistoryFold fold) {
    LockEvent event = entry.event();
    Holding holding = open.get(entry.lockId());
    Outcome outcome = judgement.outcome();
    LockState state = fold.state(entry.lockId());
    if (outcome == Outcome.DUPLICATE) {
      fact(
          entry,
          Kind.DUPLICATE,
          "redelivered "
              + event.getType()
              + " of "
              + EntryText.holder(event.getHolder())
              + " (token "
              + event.getFencingToken()
              + ", seq "
              + event.getSequence()
              + "): a duplicate, ignored",
          Map.of());
      return;
    }
    if (outcome == Outcome.ZOMBIE) {
      fact(
          entry,
          Kind.ZOMBIE,
          "zombie: "
              + EntryText.holder(event.getHolder())
              + " "
              + event.getType().name().toLowerCase(java.util.Locale.ROOT)
              + " with token "
              + event.getFencingToken()
              + " (seq "
              + event.getSequence()
              + ") after its holding ended",
          Map.of("token", Long.toString(event.getFencingToken())));
      return;
    }
    if (outcome != Outcome.APPLIED || state == null) {
      return; // refused by the rules (regression, out of order): their alert tells
    }
    boolean newHolding =
        state.getFencingToken() != judgement.tokenBefore()
            || event.getType() == LockEventType.ACQUIRED;
    switch (event.getType()) {
      case ACQUIRED, HEARTBEAT -> {
        if (newHolding) {
          startHolding(entry, judgement, state);
          return;
        }
        holding = holding != null && holding.token == event.getFencingToken() ? holding : null;
        if (holding != null) {
          holding.heartbeats.add(entry.time());
          holding.lastHeartbeat = entry.time();
          holding.lastSequence = event.getSequence();
          // The accrual detector moves the deadline with every heartbeat: follow the rules.
          holding.staleAfterMs = LockStateMachine.staleAfterMs(state);
        }
        LockStatus before = judgement.before();
        if (before == LockStatus.STALE
            || before == LockStatus.AWAITING_APPROVAL
            || before == LockStatus.RECLAIM_PENDING) {
          if (holding != null) {
            holding.endHold(entry.time(), "the holder came back");
          }
          fact(
              entry,
              Kind.RENEWED,
              EntryText.holder(event.getHolder())
                  + " heartbeat again (seq "
                  + event.getSequence()
                  + ") after Lockwatch judged the lock "
                  + before
                  + (before == LockStatus.RECLAIM_PENDING
                      ? " and commanded its reclaim: HELD again; a trigger must refuse the command"
                          + " (the sequence moved on)"
                      : ": HELD again"),
              Map.of("token", Long.toString(event.getFencingToken())));
        } else if (judgement.alerted(AlertReason.SEQUENCE_GAP)) {
          fact(
              entry,
              Kind.SEQUENCE_GAP,
              "sequence gap: "
                  + judgement.alertMessage(AlertReason.SEQUENCE_GAP).orElse("heartbeats missing"),
              Map.of("token", Long.toString(event.getFencingToken())));
        }
      }
      case RELEASED -> {
        if (holding != null && holding.token == event.getFencingToken()) {
          holding.endHold(entry.time(), "released");
          close(holding, entry.time(), Ending.RELEASED, "released");
        }
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
      case RECLAIMED -> {
        if (holding != null && holding.token == event.getFencingToken()) {
          close(holding, entry.time(), Ending.RECLAIMED, "reclaimed by " + event.getActor());
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

  /** A holding the rules started: by its acquire, or by a heartbeat whose acquire never came. */
  private void startHolding(Entry entry, Judgement judgement, LockState state) {
    LockEvent event = entry.event();
    Holding previous = open.get(entry.lockId());
    if (previous != null) {
      previous.endHold(entry.time(), "superseded");
      close(
          previous,
          entry.time(),
          Ending.SUPERSEDED,
          "superseded by token " + event.getFencingToken());
    }
    Holding next =
        new Holding(
            entry.lockId(),
            event.getHolder(),
            event.getFencingToken(),
            entry.time(),
            entry.time(),
            state.getHeartbeatIntervalMs(),
            LockStateMachine.staleAfterMs(state),
            entry.time());
    next.lastSequence = event.getSequence();
    holdings.add(next);
    open.put(entry.lockId(), next);
    lastTokens.put(entry.lockId(), event.getFencingToken());
    long before = judgement.tokenBefore();
    String previousToken =
        before < 0
            ? ""
            : " (+" + (event.getFencingToken() - before) + " over token " + before + ")";
    if (event.getType() == LockEventType.ACQUIRED) {
      fact(
          entry,
          Kind.ACQUIRED,
          EntryText.holder(event.getHolder())
              + " acquired "
              + entry.lockId()
              + ", token "
              + event.getFencingToken()
              + previousToken
              + (event.getHeartbeatIntervalMs() != null
                  ? ", heartbeat every "
                      + Times.duration(Duration.ofMillis(event.getHeartbeatIntervalMs()))
                  : ""),
          Map.of("token", Long.toString(event.getFencingToken())));
    } else {
      fact(
          entry,
          Kind.ACQUIRED,
          EntryText.holder(event.getHolder())
              + " holds "
              + entry.lockId()
              + " with token "
              + event.getFencingToken()
              + previousToken
              + ", first seen on a heartbeat (seq "
              + event.getSequence()
              + "): its acquire never reached Lockwatch (sequence gap)",
          Map.of("token", Long.toString(event.getFencingToken())));
    }
  }

  private void close(Holding holding, Instant at, Ending ending, String endedBy) {
    holding.end = at;
    holding.ending = ending;
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
    if (alert.getReason() == AlertReason.RECLAIM_AWAITING_APPROVAL) {
      Holding holding = open.get(entry.lockId());
      if (holding != null && holding.awaitingSince == null) {
        holding.awaitingSince = entry.time();
      }
    }
    if (alert.getReason() == AlertReason.STALE_LOCK_DETECTED) {
      // Under the accrual detector the lock went stale at its learned deadline, not the ceiling.
      String staleAfter = alert.getEvidence().get("staleAfterMs");
      thresholdCrossed(
          entry.lockId(),
          alert.getLastHeartbeatObservedAt(),
          staleAfter != null ? Long.valueOf(staleAfter) : alert.getThresholdMs(),
          alert.getHolder());
    }
    String pause = "";
    if (alert.getReason() == AlertReason.HOLDER_PAUSED) {
      Map<String, String> evidence = alert.getEvidence();
      pause =
          ": silent for "
              + seconds(evidence.get("gapMs"))
              + " ("
              + seconds(evidence.get("holderGapMs"))
              + " by the holder's clock), likely "
              + evidence.get("pauseCause")
              + (evidence.containsKey("pausedWith")
                  ? " (with " + evidence.get("pausedWith") + ")"
                  : "");
    }
    fact(
        entry,
        Kind.ALERT,
        "Lockwatch alerted " + alert.getReason() + " (" + alert.getSeverity() + ")" + pause,
        Map.of("reason", alert.getReason().name()));
  }

  private static String seconds(String millis) {
    return millis == null
        ? "?"
        : String.format(java.util.Locale.ROOT, "%.1fs", Long.parseLong(millis) / 1000.0);
  }

  private void command(Entry entry) {
    ReclaimCommand command = entry.command();
    String detail;
    if (command.getReason() == ReclaimReason.OPERATOR_REQUEST) {
      detail = "requested by " + command.getRequestedBy();
    } else {
      Instant crossing =
          thresholdCrossed(
              entry.lockId(),
              command.getLastHeartbeatObservedAt(),
              command.getThresholdMs(),
              command.getHolder());
      detail =
          crossing == null
              ? "heartbeat frozen"
              : Times.duration(Duration.between(crossing, entry.time()))
                  + " after the threshold crossing";
      if (command.getApprovedBy() != null) {
        Holding holding = open.get(entry.lockId());
        Span hold =
            holding == null || holding.holds.isEmpty()
                ? null
                : holding.holds.get(holding.holds.size() - 1);
        detail +=
            (hold == null
                    ? ""
                    : ", of which "
                        + Times.duration(Duration.between(hold.from(), hold.to()))
                        + " awaiting approval")
                + ", approved by "
                + command.getApprovedBy();
      }
    }
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
            + ", "
            + detail
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
      boolean reclaimed = holding.ending == Ending.RECLAIMED;
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
    for (Holding holding : holdings) {
      for (Span hold : holds(holding)) {
        all.add(
            new Fact(
                hold.from(),
                holding.lockId,
                Kind.AWAITING_APPROVAL,
                "held for an operator's approval (policy hold) for "
                    + Times.duration(Duration.between(hold.from(), hold.to()))
                    + ", until "
                    + times.full(hold.to())
                    + ": "
                    + hold.endedBy(),
                Map.of("until", hold.to().toString())));
      }
    }
    all.sort(java.util.Comparator.comparing(Fact::time).thenComparing(Fact::kind));
    return all;
  }

  /** The holding's spans awaiting approval, one still open ending at the window's end. */
  List<Span> holds(Holding holding) {
    List<Span> spans = new ArrayList<>(holding.holds);
    if (holding.awaitingSince != null) {
      spans.add(new Span(holding.awaitingSince, to(), "still awaiting at the window's end"));
    }
    return spans;
  }

  /**
   * The holding's frozen span: last heartbeat to its end (or the window's), when that silence is
   * longer than the lock's own staleness threshold, as the app judged it.
   */
  Instant frozenUntil(Holding holding) {
    if (holding.lastHeartbeat == null || holding.staleAfterMs == null) {
      return null;
    }
    Instant end = holding.end != null ? holding.end : to();
    Duration silent = Duration.between(holding.lastHeartbeat, end);
    return silent.toMillis() > holding.staleAfterMs ? end : null;
  }
}
