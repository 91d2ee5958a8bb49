package io.lockwatch.schemas.topics;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the contract: its name, how its keys and values are encoded, and how it is cleaned
 * up. Immutable.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Topic<K, V> {
  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final CleanupPolicy cleanupPolicy;
  private final TimestampType timestampType;

  Topic(
      String name,
      Serde<K> keySerde,
      Serde<V> valueSerde,
      CleanupPolicy cleanupPolicy,
      TimestampType timestampType) {
    this.name = Objects.requireNonNull(name, "name");
    this.timestampType = Objects.requireNonNull(timestampType, "timestampType");
    this.keySerde = Objects.requireNonNull(keySerde, "keySerde");
    this.valueSerde = Objects.requireNonNull(valueSerde, "valueSerde");
    this.cleanupPolicy = Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
  }

  public String name() {
    return name;
  }

  public Serde<K> keySerde() {
    return keySerde;
  }

  public Serde<V> valueSerde() {
    return valueSerde;
  }

  public CleanupPolicy cleanupPolicy() {
    return cleanupPolicy;
  }

  /**
   * Who stamps the topic's records: the broker ({@code LOG_APPEND_TIME}, for Lockwatch's inputs,
   * whose time is when Lockwatch observed them) or the producer ({@code CREATE_TIME}, for what
   * Lockwatch itself writes, stamped with the time it judged).
   */
  public TimestampType timestampType() {
    return timestampType;
  }

  /**
   * The topic as an {@link NewTopic} for an admin client; replication empty for the broker default.
   */
  public NewTopic newTopic(int partitions, Optional<Short> replicationFactor) {
    return new NewTopic(name, Optional.of(partitions), replicationFactor)
        .configs(
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                cleanupPolicy.configValue(),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                timestampType.name));
  }

  @Override
  public String toString() {
    return name + " (" + cleanupPolicy.configValue() + ")";
  }
}
