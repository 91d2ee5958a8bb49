package io.lockwatch.streams.internals;

import org.apache.kafka.common.TopicPartition;

/**
 * Says whether a task may judge staleness now. Lockwatch must never reclaim a live lock because it
 * was itself down, lagging or restoring: heartbeats it has not read yet would make a live lock look
 * frozen. So judgement waits until the task's input partition has caught up.
 */
@FunctionalInterface
public interface JudgementGate {

  /** Whether the input {@code partition} is caught up enough to judge its locks. */
  boolean caughtUp(TopicPartition partition);

  /** A gate that always allows judgement (for tests and tools that replay settled history). */
  static JudgementGate open() {
    return partition -> true;
  }
}
