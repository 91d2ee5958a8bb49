package io.lockwatch.schemas.contract;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reclaim command ids: a name-based UUID of the lock id and fencing token, so that the same reclaim
 * always carries the same id, whoever computes it and however often. That makes the id an
 * idempotency key for reclaim triggers.
 */
public final class ReclaimCommandIds {
  private ReclaimCommandIds() {}

  public static String of(String lockId, long fencingToken) {
    // The NUL separator keeps ("a1", 2) and ("a", 12) apart.
    byte[] name =
        ("lockwatch-reclaim\u0000" + lockId + "\u0000" + fencingToken)
            .getBytes(StandardCharsets.UTF_8);
    return UUID.nameUUIDFromBytes(name).toString();
  }
}
