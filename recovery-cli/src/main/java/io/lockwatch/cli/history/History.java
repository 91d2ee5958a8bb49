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

  /**
   * What a read went through.
   *
   * @param undecodable records that are not valid input (not the wire format, an id the registry
   *     does not know, a body that does not decode): skipped, counted and listed
   * @param problems the first {@value #LISTED_PROBLEMS} of them, each with topic, partition, offset
   *     and reason
   * @param producerStamped input records stamped by their producer (CreateTime) rather than by the
   *     broker: folded on the producer's clock, which the app did not judge with
   * @param misplaced inputs for the selected lock that sat on the wrong partition and that the app
   *     refused (dead-lettered), each with where it was and the producer: not folded, as the app
   *     did not apply them
   */
  record ReadSummary(
      long recordsRead,
      long entries,
      long undecodable,
      java.util.List<String> problems,
      long producerStamped,
      java.util.List<String> misplaced) {

    public ReadSummary {
      problems = java.util.List.copyOf(problems);
      misplaced = java.util.List.copyOf(misplaced);
    }

    public ReadSummary(
        long recordsRead,
        long entries,
        long undecodable,
        java.util.List<String> problems,
        long producerStamped) {
      this(recordsRead, entries, undecodable, problems, producerStamped, java.util.List.of());
    }

    ReadSummary withMisplaced(java.util.List<String> found) {
      return new ReadSummary(recordsRead, entries, undecodable, problems, producerStamped, found);
    }
  }

  /** How many bad records a summary lists by location. */
  int LISTED_PROBLEMS = 20;
}
