package io.lockwatch.core;

import io.lockwatch.core.clock.LogClock;
import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.AlertSeverity;
import io.lockwatch.events.HolderIdentity;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Alerts about Lockwatch's own ability to watch a lock, rather than about the lock: an input it had
 * to refuse because it sat on the wrong partition, a check it could not complete.
 */
public final class OperationalAlerts {
  private OperationalAlerts() {}

  /**
   * An input on partition {@code actual} whose key hashes to {@code expected}: its producer does
   * not use the contract's partitioner, so the lock's inputs are split across tasks.
   *
   * @param producer who published it (a holder's node and host, a trigger, an operator)
   * @param inputId the event's or action's id
   */
  public static Alert mispartitioned(
      String lockId,
      String topic,
      int actual,
      int expected,
      String producer,
      HolderIdentity holder,
      String inputId,
      Instant now) {
    Map<String, String> evidence = new HashMap<>();
    evidence.put("topic", topic);
    evidence.put("partition", Integer.toString(actual));
    evidence.put("expectedPartition", Integer.toString(expected));
    evidence.put("producer", producer);
    evidence.put("inputId", inputId);
    return Alert.newBuilder()
        .setAlertId(LockAlerts.alertId(AlertReason.MISPARTITIONED_INPUT, lockId, inputId))
        .setLockId(lockId)
        .setReason(AlertReason.MISPARTITIONED_INPUT)
        .setSeverity(AlertSeverity.CRITICAL)
        .setDetectedAt(now)
        .setMessage(
            producer
                + " published to "
                + topic
                + "-"
                + actual
                + " an input for "
                + lockId
                + ", whose key hashes to partition "
                + expected
                + " (murmur2 of the UTF-8 lock id, the Java client's default): dead-lettered."
                + " Set partitioner=murmur2_random in librdkafka-based clients")
        .setHolder(holder)
        .setEvidence(evidence)
        .build();
  }

  /** The scheduled check of {@code lockId} threw; it is retried at {@code retryAt}. */
  public static Alert checkFailed(
      String lockId, Exception error, int failures, Instant retryAt, Instant now) {
    Map<String, String> evidence = new HashMap<>();
    evidence.put("exception", error.getClass().getName());
    evidence.put("failures", Integer.toString(failures));
    evidence.put("retryAt", retryAt.toString());
    return Alert.newBuilder()
        .setAlertId(
            LockAlerts.alertId(AlertReason.CHECK_FAILED, lockId, Long.toString(now.toEpochMilli())))
        .setLockId(lockId)
        .setReason(AlertReason.CHECK_FAILED)
        .setSeverity(AlertSeverity.CRITICAL)
        .setDetectedAt(now)
        .setMessage(
            "Lockwatch could not check "
                + lockId
                + " ("
                + failures
                + " failure(s), retried every check): "
                + cut(error.toString())
                + ". The lock is not judged until its check succeeds")
        .setEvidence(evidence)
        .build();
  }

  /**
   * A clock Lockwatch relies on jumped, seen on input partition {@code partition}'s log. Keyed by
   * the empty lock id (it is about no lock), with the partition and the jump in the evidence.
   */
  public static Alert clockJump(String topic, int partition, LogClock.Jump jump) {
    Map<String, String> evidence = new HashMap<>();
    evidence.put("topic", topic);
    evidence.put("partition", Integer.toString(partition));
    evidence.put("clock", jump.kind().name());
    evidence.put("jumpMs", Long.toString(jump.sizeMs()));
    evidence.put("instance", jump.instance());
    String where = topic + "-" + partition;
    String seconds = String.format(java.util.Locale.ROOT, "%.1f s", jump.sizeMs() / 1000.0);
    String message =
        switch (jump.kind()) {
          case HOST ->
              "The clock of Lockwatch instance "
                  + jump.instance()
                  + " jumped by "
                  + (jump.sizeMs() > 0 ? "+" : "")
                  + seconds
                  + " (its monotonic clock disagrees); judgement runs on the broker's append"
                  + " times, not on this clock, so no lock was judged by it";
          case LOG_AHEAD ->
              "The log clock of "
                  + where
                  + " (the broker's append time) ran "
                  + seconds
                  + " ahead of the elapsed time: the broker's clock jumped. No lock is reclaimed"
                  + " for a silence across the jump: each gets a fresh threshold from it";
          case LOG_BEHIND ->
              "The log clock of "
                  + where
                  + " (the broker's append time) fell "
                  + String.format(java.util.Locale.ROOT, "%.1f s", -jump.sizeMs() / 1000.0)
                  + " behind the elapsed time: the broker's clock stepped back. Judgement on "
                  + where
                  + " waits until the log's clock passes its earlier reading";
          case LOG_BLIND ->
              where
                  + " could not be written for "
                  + seconds
                  + " (an outage of its leader, or this instance paused): holders could not"
                  + " heartbeat either, so no lock is reclaimed for a silence across it; each gets"
                  + " a fresh threshold from it";
        };
    if (jump.kind() == LogClock.JumpKind.LOG_AHEAD || jump.kind() == LogClock.JumpKind.LOG_BLIND) {
      evidence.put("freshFrom", jump.at().toString());
    }
    return Alert.newBuilder()
        .setAlertId(
            LockAlerts.alertId(
                AlertReason.CLOCK_JUMP, where, jump.kind().name() + ":" + jump.at().toEpochMilli()))
        .setLockId("")
        .setReason(AlertReason.CLOCK_JUMP)
        .setSeverity(AlertSeverity.WARNING)
        .setDetectedAt(jump.at())
        .setMessage(message)
        .setEvidence(evidence)
        .build();
  }

  private static String cut(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }
}
