package io.lockwatch.cli;

import io.lockwatch.cli.output.Times;
import io.lockwatch.events.Incident;
import io.lockwatch.events.IncidentResolution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** An incident told from its typed fields: what each revision added, its figures, ALL CLEAR. */
public final class IncidentStory {
  private IncidentStory() {}

  /** What {@code after} says that {@code before} (null: none) did not. */
  public static String change(Incident before, Incident after) {
    List<String> said = new ArrayList<>();
    if (before == null) {
      said.add(
          after.getStaleSince() == null
              ? "opened: an operator asked to reclaim a live holding"
              : "judged stale: silent "
                  + seconds(after.getTimeToDetectMs())
                  + " (deadline "
                  + seconds(after.getThresholdMs())
                  + ")");
    }
    if (changed(before, after, Incident::getHeldAt)) {
      said.add(
          "held for approval by the "
              + after.getHeldBy()
              + (after.getMassStaleNodes() != null
                  ? " (" + after.getMassStaleNodes() + " nodes silent together)"
                  : ""));
    }
    if (changed(before, after, Incident::getDeniedBy)) {
      said.add("denied by " + after.getDeniedBy());
    }
    if (changed(before, after, Incident::getReclaimIssuedAt)) {
      said.add(
          "reclaim "
              + after.getCommandId()
              + " issued"
              + (after.getApprovedBy() != null ? ", approved by " + after.getApprovedBy() : ""));
    }
    if (changed(before, after, Incident::getReclaimConfirmedAt)) {
      said.add("reclaim confirmed by " + after.getReclaimedBy());
    }
    if (changed(before, after, Incident::getRejectedAt)) {
      said.add("reclaim rejected: " + after.getRejectionReason());
    }
    if (changed(before, after, Incident::getMistakeDurationMs)) {
      said.add(
          "the holder came back after "
              + seconds(after.getPausedForMs())
              + (after.getPauseCause() != null ? " (" + after.getPauseCause() + ")" : ""));
    }
    if (changed(before, after, Incident::getZombieEvents) && after.getZombieEvents() > 0) {
      said.add("zombie writes: " + after.getZombieEvents());
    }
    if (changed(before, after, Incident::getNextFencingToken)) {
      said.add(
          "next holder "
              + after.getNextHolder().getNodeId()
              + " acquired on token "
              + after.getNextFencingToken());
    }
    if (changed(before, after, Incident::getNextRenewals) && after.getNextRenewals() > 0) {
      said.add("next holder renewed (" + after.getNextRenewals() + ")");
    }
    if (changed(before, after, Incident::getEscalatedAt)) {
      said.add("escalated: not resolved in time");
    }
    if (changed(before, after, Incident::getResolution)) {
      said.add("ended: " + after.getResolution());
    }
    return said.isEmpty() ? "-" : String.join("; ", said);
  }

  /** The incident's figures, one per line. */
  static List<String> figures(Incident incident, Times times) {
    List<String> lines = new ArrayList<>();
    if (incident.getLastHeartbeatObservedAt() != null) {
      lines.add("last heartbeat     " + times.full(incident.getLastHeartbeatObservedAt()));
    }
    if (incident.getStaleSince() != null) {
      lines.add("stale since        " + times.full(incident.getStaleSince()));
    }
    lines.add(
        "detected           "
            + times.full(incident.getDetectedAt())
            + " (time to detect "
            + seconds(incident.getTimeToDetectMs())
            + (incident.getDetectionLagMs() != null
                ? ", " + seconds(incident.getDetectionLagMs()) + " after the deadline"
                : "")
            + ")");
    if (incident.getHeldForMs() != null) {
      lines.add("held for           " + seconds(incident.getHeldForMs()));
    }
    if (incident.getReclaimIssuedAt() != null) {
      lines.add("reclaim issued     " + times.full(incident.getReclaimIssuedAt()));
    }
    if (incident.getReclaimConfirmedAt() != null) {
      lines.add("reclaim confirmed  " + times.full(incident.getReclaimConfirmedAt()));
    }
    if (incident.getNextFirstRenewalAt() != null) {
      lines.add("next holder renewed " + times.full(incident.getNextFirstRenewalAt()));
    }
    if (incident.getResolvedAt() != null) {
      lines.add(
          "ended              "
              + times.full(incident.getResolvedAt())
              + " ("
              + incident.getResolution()
              + ")");
    }
    if (incident.getTimeToRecoverMs() != null) {
      lines.add("time to recover    " + seconds(incident.getTimeToRecoverMs()));
    }
    allClear(incident).ifPresent(lines::add);
    incident.getEvidence().entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey())
        .forEach(entry -> lines.add("evidence " + entry.getKey() + ": " + entry.getValue()));
    return lines;
  }

  /**
   * The ALL CLEAR line of an incident that ended so: who holds the lock now, and how long detection
   * and recovery took, all from the incident's own fields.
   */
  public static java.util.Optional<String> allClear(Incident incident) {
    if (incident.getResolution() != IncidentResolution.ALL_CLEAR
        || incident.getNextHolder() == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        String.format(
            "ALL CLEAR: %s healthy under %s (token %d); detected %s after the threshold, recovered"
                + " %s after %s's last heartbeat",
            incident.getLockId(),
            incident.getNextHolder().getNodeId(),
            incident.getNextFencingToken(),
            seconds(incident.getDetectionLagMs()),
            seconds(incident.getTimeToRecoverMs()),
            incident.getHolder() == null ? "the holder" : incident.getHolder().getNodeId()));
  }

  private static <T> boolean changed(
      Incident before, Incident after, java.util.function.Function<Incident, T> field) {
    T now = field.apply(after);
    return now != null && (before == null || !Objects.equals(field.apply(before), now));
  }

  private static String seconds(Long millis) {
    if (millis == null) {
      return "-";
    }
    return millis < 1_000 ? millis + " ms" : String.format("%.1f s", millis / 1000.0);
  }

  static String seconds(Duration duration) {
    return seconds(duration.toMillis());
  }
}
