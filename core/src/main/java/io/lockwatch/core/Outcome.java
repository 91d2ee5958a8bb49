package io.lockwatch.core;

/** What became of one input, for metrics and tests. */
public enum Outcome {
  /** The input changed the lock's state. */
  APPLIED,
  /** Same holding, same sequence as already applied: dropped. */
  DUPLICATE,
  /** Same holding, lower sequence than already applied: dropped and alerted. */
  REORDERED,
  /** An event of a holding the lock has moved on from: dropped and alerted (split brain). */
  ZOMBIE,
  /** An acquire whose token does not exceed the lock's current one: dropped and alerted. */
  TOKEN_REGRESSION,
  /** An operator action that did not match the lock's current holding: refused and alerted. */
  REFUSED,
  /** The lock's scheduled check found nothing to do yet, or the entry was out of date. */
  NOTHING_DUE,
  /** The input concerned nothing this state machine acts on (e.g. an UNKNOWN event type). */
  IGNORED
}
