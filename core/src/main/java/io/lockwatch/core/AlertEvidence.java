package io.lockwatch.core;

/** Keys of an alert's evidence map that readers act on (not only show). */
public final class AlertEvidence {
  /** Why an operator's action was refused (MANUAL_RECLAIM_REFUSED). */
  public static final String REFUSED_BECAUSE = "refusedBecause";

  private AlertEvidence() {}
}
