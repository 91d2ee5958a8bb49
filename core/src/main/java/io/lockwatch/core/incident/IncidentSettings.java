package io.lockwatch.core.incident;

import java.time.Duration;
import java.util.Objects;

/**
 * How incidents end.
 *
 * @param recoveryRenewals how many heartbeats the next holder must send before the incident is ALL
 *     CLEAR (0: its acquire is enough)
 * @param escalateAfter how long after detection an incident whose stale holding still blocks the
 *     lock is escalated
 * @param leftFreeAfter how long after a confirmed reclaim with no next holder the incident ends as
 *     LEFT_FREE
 */
public record IncidentSettings(
    int recoveryRenewals, Duration escalateAfter, Duration leftFreeAfter) {
  public static final IncidentSettings DEFAULT =
      new IncidentSettings(2, Duration.ofMinutes(5), Duration.ofMinutes(10));

  public IncidentSettings {
    Objects.requireNonNull(escalateAfter, "escalateAfter");
    Objects.requireNonNull(leftFreeAfter, "leftFreeAfter");
    if (recoveryRenewals < 0) {
      throw new IllegalArgumentException("recovery renewals must be >= 0: " + recoveryRenewals);
    }
    if (escalateAfter.isNegative() || escalateAfter.isZero()) {
      throw new IllegalArgumentException("escalate-after must be positive: " + escalateAfter);
    }
    if (leftFreeAfter.isNegative() || leftFreeAfter.isZero()) {
      throw new IllegalArgumentException("left-free-after must be positive: " + leftFreeAfter);
    }
  }
}
