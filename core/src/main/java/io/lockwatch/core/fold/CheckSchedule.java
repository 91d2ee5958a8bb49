package io.lockwatch.core.fold;

import java.time.Instant;
import java.util.function.Consumer;

/** Locks ordered by when they are next due for a check. */
public interface CheckSchedule {
  /** Files a check of {@code lockId} at {@code at}. */
  void schedule(Instant at, String lockId);

  /**
   * Hands the checks due at or before {@code now} to {@code visitor}, oldest first (then by lock
   * id), at most {@code limit} of them. Each check is removed before it is visited: a visitor that
   * cannot apply one files it again for a retry. If the visitor throws, no check is ever passed
   * over unvisited.
   *
   * @return how many checks were visited
   */
  int visitDue(Instant now, int limit, Consumer<Check> visitor);

  /** One scheduled check. */
  record Check(Instant at, String lockId) {}
}
