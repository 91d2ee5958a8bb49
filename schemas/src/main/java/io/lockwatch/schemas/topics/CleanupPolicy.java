package io.lockwatch.schemas.topics;

/** A topic's {@code cleanup.policy}. */
public enum CleanupPolicy {
  /** Records expire by retention: a history. */
  DELETE("delete"),
  /** The latest record per key is kept: a table. */
  COMPACT("compact");

  private final String configValue;

  CleanupPolicy(String configValue) {
    this.configValue = configValue;
  }

  /** The value of the {@code cleanup.policy} topic setting. */
  public String configValue() {
    return configValue;
  }
}
