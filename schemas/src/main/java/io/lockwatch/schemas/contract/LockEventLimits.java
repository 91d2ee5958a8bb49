package io.lockwatch.schemas.contract;

import java.util.Map;
import java.util.Optional;

/** The bounds on a lock event's free-form attributes, as the contract documents them. */
public final class LockEventLimits {
  public static final int MAX_ATTRIBUTES = 16;
  public static final int MAX_ATTRIBUTE_KEY_LENGTH = 64;
  public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 256;

  private LockEventLimits() {}

  /** What is wrong with these attributes, if anything. */
  public static Optional<String> attributeViolation(Map<String, String> attributes) {
    if (attributes.size() > MAX_ATTRIBUTES) {
      return Optional.of(attributes.size() + " attributes, at most " + MAX_ATTRIBUTES + " allowed");
    }
    for (Map.Entry<String, String> entry : attributes.entrySet()) {
      if (entry.getKey().length() > MAX_ATTRIBUTE_KEY_LENGTH) {
        return Optional.of(
            "attribute key of "
                + entry.getKey().length()
                + " characters, at most "
                + MAX_ATTRIBUTE_KEY_LENGTH
                + " allowed");
      }
      if (entry.getValue() != null && entry.getValue().length() > MAX_ATTRIBUTE_VALUE_LENGTH) {
        return Optional.of(
            "attribute "
                + entry.getKey()
                + " has "
                + entry.getValue().length()
                + " characters, at most "
                + MAX_ATTRIBUTE_VALUE_LENGTH
                + " allowed");
      }
    }
    return Optional.empty();
  }
}
