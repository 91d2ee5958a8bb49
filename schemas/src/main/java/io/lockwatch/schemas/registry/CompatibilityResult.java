package io.lockwatch.schemas.registry;

import java.util.List;

/** The registry's answer to a compatibility test, with its reasons when it has any. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
  public CompatibilityResult {
    messages = List.copyOf(messages);
  }
}
