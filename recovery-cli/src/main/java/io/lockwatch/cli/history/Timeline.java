package io.lockwatch.cli.history;

import io.lockwatch.core.Transition;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Walks a history through a window: everything before the window is folded silently (so a lock held
 * across the window's start is known with its holder and token), then each entry in the window that
 * matches the selection is folded and handed to the listener.
 *
 * <p>A node selects the locks it held: every entry about one of them from the moment the node is
 * involved (held it at the window's start, or appears as holder) on, so "what happened next" (the
 * reclaim, the next acquire) is part of that node's story.
 */
public final class Timeline {
  private Timeline() {}

  /** What a walk reports. */
  public interface Listener {
    /** The window starts; {@code fold} has every lock's state as of {@code from}. */
    default void windowStarts(Instant from, HistoryFold fold) {}

    /** An entry in the window, after it has been folded, with what the rules made of it. */
    void entry(Entry entry, Judgement judgement, HistoryFold fold);
  }

  /**
   * @param from the window's start, or null for the whole history
   * @param to the window's end (exclusive), or null for everything present when the read starts
   */
  public static History.ReadSummary walk(
      History history,
      Instant from,
      Instant to,
      Selection selection,
      HistoryFold fold,
      Listener listener)
      throws Exception {
    Set<String> involved = new HashSet<>();
    boolean[] started = {from == null};
    if (from == null) {
      listener.windowStarts(null, fold);
    }
    History.ReadSummary summary =
        history.read(
            null,
            to,
            selection,
            entry -> {
              if (!started[0] && !entry.time().isBefore(from)) {
                start(from, selection, fold, listener, involved);
                started[0] = true;
              }
              if (!started[0]) {
                fold.apply(entry);
                return;
              }
              boolean matches = matches(entry, selection, fold, involved);
              LockState before = fold.state(entry.lockId());
              LockStatus statusBefore = Judgement.statusOf(before);
              long tokenBefore = Judgement.tokenOf(before);
              Optional<Transition> transition = fold.apply(entry);
              if (matches) {
                listener.entry(entry, new Judgement(transition, statusBefore, tokenBefore), fold);
              }
            });
    if (!started[0]) {
      start(from, selection, fold, listener, involved);
    }
    if (to != null) {
      fold.advanceTo(to);
    }
    return summary;
  }

  private static void start(
      Instant from,
      Selection selection,
      HistoryFold fold,
      Listener listener,
      Set<String> involved) {
    fold.advanceTo(from);
    selection
        .node()
        .ifPresent(
            node ->
                fold.states()
                    .forEach(
                        (lockId, state) -> {
                          if (heldBy(state, node)) {
                            involved.add(lockId);
                          }
                        }));
    listener.windowStarts(from, fold);
  }

  private static boolean matches(
      Entry entry, Selection selection, HistoryFold fold, Set<String> involved) {
    if (!selection.lockMatches(entry.lockId())) {
      return false;
    }
    if (selection.node().isEmpty()) {
      return true;
    }
    String node = selection.node().get();
    HolderIdentity holder = entry.holder();
    if ((holder != null && node.equals(holder.getNodeId()))
        || heldBy(fold.state(entry.lockId()), node)) {
      involved.add(entry.lockId());
    }
    return involved.contains(entry.lockId());
  }

  /** Whether {@code node} holds (or, for a free lock, last held) the lock in {@code state}. */
  public static boolean heldBy(LockState state, String node) {
    return state != null && state.getHolder() != null && node.equals(state.getHolder().getNodeId());
  }
}
