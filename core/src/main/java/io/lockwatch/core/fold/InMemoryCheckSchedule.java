package io.lockwatch.core.fold;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;

/** A {@link CheckSchedule} in memory, for folds that hold every lock in memory (the CLI's). */
public final class InMemoryCheckSchedule implements CheckSchedule {
  private final TreeSet<Check> checks =
      new TreeSet<>(Comparator.comparing(Check::at).thenComparing(Check::lockId));

  @Override
  public void schedule(Instant at, String lockId) {
    checks.add(new Check(at, lockId));
  }

  @Override
  public int visitDue(Instant now, int limit, Consumer<Check> visitor) {
    List<Check> due = new ArrayList<>();
    for (Check check : checks) {
      if (check.at().isAfter(now) || due.size() >= limit) {
        break;
      }
      due.add(check);
    }
    for (Check check : due) {
      checks.remove(check);
      visitor.accept(check);
    }
    return due.size();
  }

  /** When the earliest check falls due, if any is filed. */
  public Optional<Instant> nextDue() {
    return checks.isEmpty() ? Optional.empty() : Optional.of(checks.first().at());
  }
}
