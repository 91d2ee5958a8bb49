package io.lockwatch.cli.history;

import java.time.Instant;
import java.util.function.Consumer;

/** Where a lock history is read from: the Kafka topics, or a file exported from them. */
public interface History {

  /**
   * Hands {@code sink} every entry from {@code from} (the oldest kept when null) until {@code to}
   * (exclusive; everything present when the read starts when null) whose lock matches the
   * selection's lock and prefix, in {@link Entry#TIME_ORDER}.
   */
  ReadSummary read(Instant from, Instant to, Selection selection, Consumer<Entry> sink)
      throws Exception;

  /** What a read went through. */
  record ReadSummary(long recordsRead, long entries, long undecodable, String firstProblem) {}
}
