package io.lockwatch.cli.postmortem;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.cli.history.Entry;
import io.lockwatch.cli.history.History;
import io.lockwatch.cli.history.HistoryFold;
import io.lockwatch.cli.history.Selection;
import io.lockwatch.cli.history.Timeline;
import io.lockwatch.cli.output.Times;
import io.lockwatch.client.ReclaimOutcomes;
import io.lockwatch.core.LockStateMachine;
import io.lockwatch.core.WatchPolicy;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockEventType;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.events.ReclaimPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The postmortem tells each event as the rules judged it (point 3 of the history-fidelity issue): a
 * redelivered acquire is a duplicate, a heartbeat under an unseen higher token is a new holding, a
 * holder that comes back after the reclaim command is shown coming back, the frozen span uses the
 * lock's own threshold, and a hold for approval shows with the operators' verdicts. The app's
 * alerts and commands here come from the same rules, run at their due times.
 */
class PostmortemOutcomesTest {
  private static final Instant T0 = Instant.parse("2026-11-23T03:10:00Z");
  private static final HolderIdentity NODE_7 = holder("node-7", 4242);
  private static final HolderIdentity NODE_9 = holder("node-9", 9191);
  private static final WatchPolicy POLICY =
      WatchPolicy.builder().missedBeats(3).policy("hold-*", ReclaimPolicy.HOLD).build();

  private final List<Entry> history = new ArrayList<>();
  private final List<ReclaimCommand> commands = new ArrayList<>();
  private final HistoryFold app =
      new HistoryFold(new LockStateMachine(POLICY), HistoryFold.Judgements.AT_DUE_TIME);
  private long offset;

  PostmortemOutcomesTest() {
    // The app's outputs, recorded at the time it judged, as on the alerts and commands topics.
    app.listen(
        (lockId, before, transition, now) -> {
          transition.alerts().forEach(alert -> record(now, "alerts", alert));
          transition
              .commands()
              .forEach(
                  command -> {
                    commands.add(command);
                    record(now, "commands", command);
                  });
        });
  }

  @Test
  void shouldTellEachEventAsTheRulesJudgedItWhenHoldersMisbehave() throws Exception {
    String lock = "aim.conf";
    LockEvent acquire = event(lock, LockEventType.ACQUIRED, NODE_7, 41, 0, at(0));
    input(at(0), acquire);
    input(at(5), acquire); // redelivered
    input(at(10), event(lock, LockEventType.HEARTBEAT, NODE_7, 41, 1, at(10)));
    // Frozen: judged stale at 03:10:40, reclaim commanded; node-7 comes back at 03:10:50.
    input(at(50), event(lock, LockEventType.HEARTBEAT, NODE_7, 41, 2, at(50)));
    // node-9 took the lock under token 43; its acquire never reached Lockwatch.
    input(at(60), event(lock, LockEventType.HEARTBEAT, NODE_9, 43, 5, at(60)));
    input(at(70), event(lock, LockEventType.HEARTBEAT, NODE_9, 43, 6, at(70)));
    input(at(80), release(lock, NODE_9, 43, 7, at(80)));

    assertThat(postmortem(lock, at(-60), at(240)))
        .isEqualTo(
            """
            Postmortem of aim.conf, 2026-11-23 03:09:00.000 to 2026-11-23 03:14:00.000 UTC
            2026-11-23 03:10:00.000  node-7/4242 acquired aim.conf, token 41, heartbeat every 10s
            2026-11-23 03:10:05.000  redelivered ACQUIRED of node-7/4242 (token 41, seq 0): a duplicate, ignored
            2026-11-23 03:10:10.000  last heartbeat of node-7/4242 that Lockwatch saw
            2026-11-23 03:10:40.000  threshold crossed: 30s without a heartbeat from node-7/4242
            2026-11-23 03:10:40.000  Lockwatch alerted STALE_LOCK_DETECTED (CRITICAL)
            2026-11-23 03:10:40.000  Lockwatch issued reclaim command %s for token 41 and last heartbeat seq 1 (policy AUTO, 0ms after the threshold crossing)
            2026-11-23 03:10:50.000  Lockwatch alerted HOLDER_PAUSED (WARNING): silent for 40.0s (40.0s by the holder's clock), likely PROCESS_PAUSE
            2026-11-23 03:10:50.000  node-7/4242 heartbeat again (seq 2) after Lockwatch judged the lock RECLAIM_PENDING and commanded its reclaim: HELD again; a trigger must refuse the command (the sequence moved on)
            2026-11-23 03:11:00.000  node-9/9191 holds aim.conf with token 43 (+2 over token 41), first seen on a heartbeat (seq 5): its acquire never reached Lockwatch (sequence gap)
            2026-11-23 03:11:00.000  Lockwatch alerted SEQUENCE_GAP (WARNING)
            2026-11-23 03:11:20.000  node-9/9191 released aim.conf (token 43): done
            """
                .formatted(commands.get(0).getCommandId()));
  }

  @Test
  void shouldShowTheHoldAndTheOperatorsVerdictsWhenAReclaimWaitsForApproval() throws Exception {
    String lock = "hold-a.conf";
    input(at(0), event(lock, LockEventType.ACQUIRED, NODE_7, 5, 0, at(0)));
    // Frozen: at 03:10:30 Lockwatch holds the reclaim for approval.
    input(at(40), action(lock, OperatorActionType.DENY_RECLAIM, 4, "ivan"));
    input(at(50), action(lock, OperatorActionType.APPROVE_RECLAIM, 5, "maria"));
    input(at(60), ReclaimOutcomes.reclaimed(commands.get(0), "trigger@node-2", at(60)));

    String text = postmortem(lock, at(-60), at(120));

    assertThat(text)
        .contains(
            "2026-11-23 03:10:30.000  held for an operator's approval (policy hold) for 20s, until"
                + " 2026-11-23 03:10:50.000: approved by maria\n",
            "2026-11-23 03:10:40.000  operator ivan sent DENY_RECLAIM for token 4: refused,"
                + " hold-a.conf is at token 5, not 4\n",
            "2026-11-23 03:10:50.000  operator maria sent APPROVE_RECLAIM for token 5: accepted:"
                + " Lockwatch issues the reclaim\n",
            "Lockwatch issued reclaim command "
                + commands.get(0).getCommandId()
                + " for token 5 and last heartbeat seq 0 (policy HOLD, 20s after the threshold"
                + " crossing, of which 20s awaiting approval, approved by maria)\n");
  }

  @Test
  void shouldShadeAGapAsFrozenOnlyWhenItExceedsTheLocksThresholdWhenDrawn() throws Exception {
    String lock = "gaps.conf";
    input(at(0), event(lock, LockEventType.ACQUIRED, NODE_7, 1, 0, at(0)));
    // 25 s of silence: more than twice the 10 s interval, less than the 30 s threshold.
    input(at(25), release(lock, NODE_7, 1, 1, at(25)));

    assertThat(html(lock, at(-60), at(120))).doesNotContain("class=\"frozen\"");
  }

  @Test
  void shouldShadeTheSilenceAsFrozenWhenItExceedsTheLocksThreshold() throws Exception {
    String lock = "gaps.conf";
    input(at(0), event(lock, LockEventType.ACQUIRED, NODE_7, 1, 0, at(0)));
    input(at(29), event(lock, LockEventType.HEARTBEAT, NODE_7, 1, 1, at(29)));
    // Judged stale at 03:10:59 and reclaimed at 03:11:05.
    app.advanceTo(at(65));
    input(at(65), ReclaimOutcomes.reclaimed(commands.get(0), "trigger@node-2", at(65)));

    assertThat(html(lock, at(-60), at(120)))
        .contains(
            "<rect class=\"frozen\" data-from=\"2026-11-23T03:10:29Z\""
                + " data-to=\"2026-11-23T03:11:05Z\"");
  }

  // ------------------------------------------------------------------ plumbing

  private String html(String lock, Instant from, Instant to) throws Exception {
    return PostmortemHtml.render(walk(lock, from, to));
  }

  private String postmortem(String lock, Instant from, Instant to) throws Exception {
    StringWriter out = new StringWriter();
    PostmortemText.print(new PrintWriter(out, true), walk(lock, from, to));
    return out.toString();
  }

  private Postmortem walk(String lock, Instant from, Instant to) throws Exception {
    app.advanceTo(to);
    history.sort(Entry.TIME_ORDER);
    Selection selection = new Selection(Optional.of(lock), Optional.empty(), Optional.empty());
    Postmortem postmortem = new Postmortem(new Times(ZoneOffset.UTC), selection, from, to);
    Timeline.walk(
        new ListHistory(history),
        from,
        to,
        selection,
        new HistoryFold(new LockStateMachine(POLICY)),
        postmortem);
    return postmortem;
  }

  private void input(Instant time, SpecificRecord value) {
    Entry entry = record(time, value instanceof LockEvent ? "events" : "actions", value);
    app.apply(entry);
  }

  private Entry record(Instant time, String topic, SpecificRecord value) {
    Entry entry = Entry.of(time, topic, 0, offset++, value);
    history.add(entry);
    return entry;
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static LockEvent event(
      String lock, LockEventType type, HolderIdentity holder, long token, long seq, Instant at) {
    LockEvent.Builder event =
        LockEvent.newBuilder()
            .setEventId(lock + "/" + token + "/" + seq)
            .setLockId(lock)
            .setType(type)
            .setFencingToken(token)
            .setHolder(holder)
            .setOccurredAt(at)
            .setSequence(seq);
    if (type == LockEventType.ACQUIRED) {
      event.setHeartbeatIntervalMs(Duration.ofSeconds(10).toMillis());
    }
    return event.build();
  }

  private static LockEvent release(
      String lock, HolderIdentity holder, long token, long seq, Instant at) {
    return LockEvent.newBuilder(event(lock, LockEventType.RELEASED, holder, token, seq, at))
        .setReason("done")
        .build();
  }

  private static OperatorAction action(
      String lock, OperatorActionType type, long token, String operator) {
    return OperatorAction.newBuilder()
        .setActionId(operator + "-" + type)
        .setLockId(lock)
        .setType(type)
        .setFencingToken(token)
        .setOperator(operator)
        .setRequestedAt(T0)
        .build();
  }

  private static HolderIdentity holder(String node, int pid) {
    return HolderIdentity.newBuilder()
        .setNodeId(node)
        .setHost(node + ".fleet")
        .setPid(pid)
        .setIncarnation(node + "-1")
        .build();
  }

  /** A history in memory, already in time order. */
  private record ListHistory(List<Entry> entries) implements History {
    @Override
    public ReadSummary read(Instant from, Instant to, Selection selection, Consumer<Entry> sink) {
      long handed = 0;
      for (Entry entry : entries) {
        if ((from == null || !entry.time().isBefore(from))
            && (to == null || entry.time().isBefore(to))
            && selection.lockMatches(entry.lockId())) {
          sink.accept(entry);
          handed++;
        }
      }
      return new ReadSummary(entries.size(), handed, 0, List.of(), 0);
    }
  }
}
