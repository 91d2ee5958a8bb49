package io.lockwatch.core.detect;

import java.util.Locale;

/** How a lock's staleness deadline is derived from its heartbeats. */
public enum Detector {
  /** The declared interval times the missed-beats factor (the threshold). */
  FIXED,
  /** Where the phi accrual suspicion crosses its level, within [floor, threshold]. */
  ACCRUAL;

  /** {@code fixed} or {@code accrual}, as the settings spell it. */
  public static Detector parse(String name) {
    for (Detector detector : values()) {
      if (detector.setting().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return detector;
      }
    }
    throw new IllegalArgumentException("detector must be fixed or accrual, not " + name);
  }

  /** The detector a stored state names: accrual, or else fixed (older states name none). */
  public static Detector of(String stored) {
    return ACCRUAL.setting().equals(stored) ? ACCRUAL : FIXED;
  }

  public String setting() {
    return name().toLowerCase(Locale.ROOT);
  }
}
