package io.lockwatch.streams.http;

import io.lockwatch.core.Outcome;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.LockStatus;
import io.lockwatch.streams.WatchdogMetrics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** Renders Kafka Streams' metrics and Lockwatch's own in the Prometheus text format (0.0.4). */
final class PrometheusText {
  private PrometheusText() {}

  static String render(
      Map<MetricName, ? extends Metric> kafkaMetrics,
      WatchdogMetrics watchdog,
      Map<LockStatus, Long> locksByStatus) {
    StringBuilder out = new StringBuilder();
    lockwatch(out, watchdog, locksByStatus);
    kafka(out, kafkaMetrics);
    return out.toString();
  }

  private static void lockwatch(
      StringBuilder out, WatchdogMetrics metrics, Map<LockStatus, Long> locksByStatus) {
    out.append(
        "# HELP lockwatch_locks Locks held in this instance's stores, by status.\n# TYPE lockwatch_locks gauge\n");
    for (LockStatus status : LockStatus.values()) {
      if (status != LockStatus.UNKNOWN) {
        out.append("lockwatch_locks{status=\"")
            .append(status)
            .append("\"} ")
            .append(locksByStatus.getOrDefault(status, 0L))
            .append('\n');
      }
    }
    out.append(
        "# HELP lockwatch_inputs_total Inputs (events, actions, checks) by what became of them.\n# TYPE lockwatch_inputs_total counter\n");
    for (Outcome outcome : Outcome.values()) {
      out.append("lockwatch_inputs_total{outcome=\"")
          .append(outcome)
          .append("\"} ")
          .append(metrics.outcomes(outcome))
          .append('\n');
    }
    out.append(
        "# HELP lockwatch_alerts_total Alerts raised, by reason.\n# TYPE lockwatch_alerts_total counter\n");
    for (AlertReason reason : AlertReason.values()) {
      if (reason != AlertReason.UNKNOWN) {
        out.append("lockwatch_alerts_total{reason=\"")
            .append(reason)
            .append("\"} ")
            .append(metrics.alerts(reason))
            .append('\n');
      }
    }
    out.append(
            "# HELP lockwatch_stale_detections_total Locks found with their heartbeat frozen past the threshold.\n")
        .append("# TYPE lockwatch_stale_detections_total counter\n")
        .append("lockwatch_stale_detections_total ")
        .append(metrics.alerts(AlertReason.STALE_LOCK_DETECTED))
        .append('\n');
    out.append(
            "# HELP lockwatch_judgements_held_total Checks skipped because a task had not processed its input to the end.\n")
        .append("# TYPE lockwatch_judgements_held_total counter\n")
        .append("lockwatch_judgements_held_total ")
        .append(metrics.judgementsHeld())
        .append('\n');
    out.append(
            "# HELP lockwatch_check_failures_total Lock checks that threw and were filed again for a retry.\n")
        .append("# TYPE lockwatch_check_failures_total counter\n")
        .append("lockwatch_check_failures_total ")
        .append(metrics.checkFailures())
        .append('\n');
    out.append(
            "# HELP lockwatch_dead_letters_total Inputs sent to the dead-letter topic, by reason.\n")
        .append("# TYPE lockwatch_dead_letters_total counter\n");
    Map<String, Long> deadLetters = new TreeMap<>(metrics.deadLetters());
    for (String reason : List.of("UNDECODABLE", "CONTRACT_VIOLATION", "MISPARTITIONED")) {
      deadLetters.putIfAbsent(reason, 0L);
    }
    deadLetters.forEach(
        (reason, count) ->
            out.append("lockwatch_dead_letters_total{reason=\"")
                .append(reason)
                .append("\"} ")
                .append(count)
                .append('\n'));
    out.append(
            "# HELP lockwatch_registry_unavailable_total Records that waited because the schema registry could not be reached (never skipped).\n")
        .append("# TYPE lockwatch_registry_unavailable_total counter\n")
        .append("lockwatch_registry_unavailable_total ")
        .append(metrics.registryUnavailableTotal())
        .append('\n');
    out.append(
            "# HELP lockwatch_reclaims_issued_total Reclaim commands issued.\n# TYPE lockwatch_reclaims_issued_total counter\n")
        .append("lockwatch_reclaims_issued_total ")
        .append(metrics.commandsIssued())
        .append('\n');
    out.append(
            "# HELP lockwatch_reclaims_confirmed_total Reclaims confirmed by a trigger.\n# TYPE lockwatch_reclaims_confirmed_total counter\n")
        .append("lockwatch_reclaims_confirmed_total ")
        .append(metrics.reclaimsConfirmed())
        .append('\n');
    out.append(
            "# HELP lockwatch_reclaims_rejected_total Reclaims rejected by a trigger.\n# TYPE lockwatch_reclaims_rejected_total counter\n")
        .append("lockwatch_reclaims_rejected_total ")
        .append(metrics.reclaimsRejected())
        .append('\n');
    out.append(
            "# HELP lockwatch_detection_delay_seconds From the moment a lock became reclaimable to its reclaim command.\n")
        .append("# TYPE lockwatch_detection_delay_seconds histogram\n");
    long[] counts = metrics.delayBucketCounts();
    long cumulative = 0;
    for (int i = 0; i < WatchdogMetrics.DELAY_BUCKETS_SECONDS.length; i++) {
      cumulative += counts[i];
      out.append("lockwatch_detection_delay_seconds_bucket{le=\"")
          .append(WatchdogMetrics.DELAY_BUCKETS_SECONDS[i])
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    cumulative += counts[counts.length - 1];
    out.append("lockwatch_detection_delay_seconds_bucket{le=\"+Inf\"} ")
        .append(cumulative)
        .append('\n');
    out.append("lockwatch_detection_delay_seconds_sum ")
        .append(metrics.delaySumSeconds())
        .append('\n');
    out.append("lockwatch_detection_delay_seconds_count ").append(cumulative).append('\n');
  }

  private static void kafka(StringBuilder out, Map<MetricName, ? extends Metric> metrics) {
    Map<String, StringBuilder> byName = new TreeMap<>();
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      Object value = entry.getValue().metricValue();
      if (!(value instanceof Number number)
          || Double.isNaN(number.doubleValue())
          || Double.isInfinite(number.doubleValue())) {
        continue;
      }
      MetricName name = entry.getKey();
      String metric = sanitize("kafka_" + name.group().replace("-metrics", "") + "_" + name.name());
      StringBuilder lines = byName.computeIfAbsent(metric, key -> new StringBuilder());
      lines.append(metric);
      if (!name.tags().isEmpty()) {
        lines.append('{');
        String separator = "";
        for (Map.Entry<String, String> tag : new TreeMap<>(name.tags()).entrySet()) {
          lines
              .append(separator)
              .append(sanitize(tag.getKey()))
              .append("=\"")
              .append(escape(tag.getValue()))
              .append('"');
          separator = ",";
        }
        lines.append('}');
      }
      lines.append(' ').append(number.doubleValue()).append('\n');
    }
    byName.forEach(
        (metric, lines) -> out.append("# TYPE ").append(metric).append(" gauge\n").append(lines));
  }

  private static String sanitize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
