package io.lockwatch.cli.history;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Which locks a command is about: one lock, the locks whose id starts with a prefix, the records
 * about one holder node, or everything.
 */
public record Selection(Optional<String> lockId, Optional<String> prefix, Optional<String> node) {

  public static final Selection ALL =
      new Selection(Optional.empty(), Optional.empty(), Optional.empty());

  public static Selection lock(String lockId) {
    return new Selection(Optional.of(lockId), Optional.empty(), Optional.empty());
  }

  /** Whether a record keyed {@code key} (the lock id's UTF-8 bytes) can match, before decoding. */
  boolean keyMatches(byte[] key) {
    if (lockId.isEmpty() && prefix.isEmpty()) {
      return true;
    }
    if (key == null) {
      return false;
    }
    String id = new String(key, StandardCharsets.UTF_8);
    return lockId.map(id::equals).orElse(true) && prefix.map(id::startsWith).orElse(true);
  }

  /** Whether the lock id matches the lock and prefix parts of the selection. */
  public boolean lockMatches(String id) {
    return lockId.map(id::equals).orElse(true) && prefix.map(id::startsWith).orElse(true);
  }

  /** A short description for headings: "aim_lock_config.conf", "locks aim_*", "node node-7". */
  public String describe() {
    StringBuilder text = new StringBuilder();
    lockId.ifPresent(text::append);
    prefix.ifPresent(
        p -> text.append(text.isEmpty() ? "" : ", ").append("locks ").append(p).append('*'));
    node.ifPresent(n -> text.append(text.isEmpty() ? "" : ", ").append("node ").append(n));
    return text.isEmpty() ? "all locks" : text.toString();
  }
}
