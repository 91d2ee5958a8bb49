package io.lockwatch.schemas.topics;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
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

  Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, CleanupPolicy cleanupPolicy) {
    this.name = Objects.requireNonNull(name, "name");
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
   * The topic as an {@link NewTopic} for an admin client; replication empty for the broker default.
   */
  public NewTopic newTopic(int partitions, Optional<Short> replicationFactor) {
    return new NewTopic(name, Optional.of(partitions), replicationFactor)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.configValue()));
  }

  @Override
  public String toString() {
    return name + " (" + cleanupPolicy.configValue() + ")";
  }
}
