package io.lockwatch.streams;

import org.apache.kafka.common.TopicPartition;

/**
 * Says whether a task may judge staleness now. Lockwatch must never reclaim a live lock because it
 * was itself down, lagging or restoring: heartbeats it has not processed yet would make a live lock
 * look frozen. So judgement waits until the task has processed its input partition up to (nearly)
 * its end.
 */
@FunctionalInterface
public interface JudgementGate {

  /**
   * Whether the task reading {@code partition} is caught up.
   *
   * @param nextOffset the offset of the next record the task will process: the last processed
   *     record's offset + 1, or -1 when it has processed none since it started
   */
  boolean caughtUp(TopicPartition partition, long nextOffset);

  /** A gate that always allows judgement (for tests and tools that replay settled history). */
  static JudgementGate open() {
    return (partition, nextOffset) -> true;
  }
}
