package io.lockwatch.streams.internals;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;

/**
 * Judges a partition caught up when the main consumer's {@code records-lag} for it is known and at
 * most {@code maxLag} records. A partition without a lag reading yet (just assigned, or still
 * restoring) is not caught up. Readings are refreshed at most every {@code refreshMillis}.
 */
public final class ConsumerLagGate implements JudgementGate {
  private final Supplier<Map<MetricName, ? extends Metric>> metrics;
  private final long maxLag;
  private final long refreshMillis;
  private volatile Map<TopicPartition, Double> lags = Map.of();
  private volatile long refreshedAt;

  public ConsumerLagGate(
      Supplier<Map<MetricName, ? extends Metric>> metrics, long maxLag, long refreshMillis) {
    this.metrics = metrics;
    this.maxLag = maxLag;
    this.refreshMillis = refreshMillis;
  }

  @Override
  public boolean caughtUp(TopicPartition partition) {
    long now = System.currentTimeMillis();
    if (now - refreshedAt >= refreshMillis) {
      lags = read();
      refreshedAt = now;
    }
    Double lag = lags.get(partition);
    return lag != null && !lag.isNaN() && lag <= maxLag;
  }

  private Map<TopicPartition, Double> read() {
    Map<TopicPartition, Double> read = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.get().entrySet()) {
      MetricName name = entry.getKey();
      if (!name.name().equals("records-lag")
          || !name.group().equals("consumer-fetch-manager-metrics")) {
        continue;
      }
      String clientId = name.tags().getOrDefault("client-id", "");
      if (clientId.endsWith("-restore-consumer") || clientId.endsWith("-global-consumer")) {
        continue;
      }
      String topic = name.tags().get("topic");
      String partition = name.tags().get("partition");
      Object value = entry.getValue().metricValue();
      if (topic != null && partition != null && value instanceof Double lag) {
        read.merge(new TopicPartition(topic, Integer.parseInt(partition)), lag, Math::max);
      }
    }
    return read;
  }
}
