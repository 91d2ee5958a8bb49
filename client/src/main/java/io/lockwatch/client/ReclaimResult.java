package io.lockwatch.client;

import java.util.Objects;

/** What a {@link Reclaimer} did with a command: released the lock, or refused, with why. */
public record ReclaimResult(boolean reclaimed, String reason) {

  public static ReclaimResult released() {
    return new ReclaimResult(true, null);
  }

  public static ReclaimResult refused(String reason) {
    return new ReclaimResult(false, Objects.requireNonNull(reason, "reason"));
  }
}
