package io.lockwatch.cli.notify;

import io.lockwatch.events.Incident;
import java.io.IOException;

/** Where the notifier sends an incident's changes: an alerting system's intake. */
public interface IncidentSink {
  /** A short name for logs. */
  String name();

  /**
   * Sends one revision of an incident. Idempotent at the receiving end (the incident id is the
   * dedup key), so a revision sent twice after a restart notifies nobody twice.
   *
   * @throws IOException when the receiver cannot be reached or refuses; the notifier retries
   */
  void send(Incident incident) throws IOException, InterruptedException;

  /** Sends the incidents still open again, where the receiver expires alerts not re-sent. */
  default void refresh(Iterable<Incident> open) throws IOException, InterruptedException {}
}
