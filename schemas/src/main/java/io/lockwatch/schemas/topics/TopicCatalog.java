package io.lockwatch.schemas.topics;

import io.lockwatch.events.Alert;
import io.lockwatch.events.Incident;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.registry.SchemaRegistries;
import io.lockwatch.schemas.registry.SchemaRegistry;
import io.lockwatch.schemas.serde.AvroSerde;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every Lockwatch topic, typed: name, key serde, value serde, cleanup policy. Immutable; built once
 * from client properties, whose {@code lockwatch.topic.*} keys may rename any topic. All Avro
 * serdes share one registry client (and its caches).
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>setting</th><th>default name</th><th>key / value</th><th>cleanup</th></tr>
 *   <tr><td>lockwatch.topic.lock-events</td><td>lockwatch.lock-events</td><td>lock id / LockEvent</td><td>delete</td></tr>
 *   <tr><td>lockwatch.topic.lock-state</td><td>lockwatch.lock-state</td><td>lock id / LockState</td><td>compact</td></tr>
 *   <tr><td>lockwatch.topic.alerts</td><td>lockwatch.alerts</td><td>lock id / Alert</td><td>delete</td></tr>
 *   <tr><td>lockwatch.topic.reclaim-commands</td><td>lockwatch.reclaim-commands</td><td>lock id / ReclaimCommand</td><td>delete</td></tr>
 *   <tr><td>lockwatch.topic.operator-actions</td><td>lockwatch.operator-actions</td><td>lock id / OperatorAction</td><td>delete</td></tr>
 *   <tr><td>lockwatch.topic.incidents</td><td>lockwatch.incidents</td><td>incident id / Incident</td><td>compact</td></tr>
 *   <tr><td>lockwatch.topic.dead-letter</td><td>lockwatch.dead-letter</td><td>original bytes / original bytes</td><td>delete</td></tr>
 * </table>
 */
public final class TopicCatalog {

  public static final String TOPIC_PREFIX = "lockwatch.topic.";

  /** The topics' roles: each is named by the setting {@code lockwatch.topic.<role>}. */
  public static final List<String> ROLES =
      List.of(
          "lock-events",
          "lock-state",
          "alerts",
          "reclaim-commands",
          "operator-actions",
          "incidents",
          "dead-letter");

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final Topic<String, LockEvent> lockEvents;
  private final Topic<String, LockState> lockState;
  private final Topic<String, Alert> alerts;
  private final Topic<String, ReclaimCommand> reclaimCommands;
  private final Topic<String, OperatorAction> operatorActions;
  private final Topic<String, Incident> incidents;
  private final Topic<byte[], byte[]> deadLetter;
  private final SchemaRegistry registry;

  private TopicCatalog(Map<String, ?> config, SchemaRegistry registry) {
    this.registry = registry;
    // Inputs are stamped by the broker: their time is when Lockwatch observed them, the one clock
    // the app judges with and history folds on. Outputs carry the time the app judged.
    this.lockEvents =
        avroTopic(
            config,
            "lock-events",
            LockEvent.class,
            CleanupPolicy.DELETE,
            TimestampType.LOG_APPEND_TIME);
    this.lockState =
        avroTopic(
            config,
            "lock-state",
            LockState.class,
            CleanupPolicy.COMPACT,
            TimestampType.CREATE_TIME);
    this.alerts =
        avroTopic(config, "alerts", Alert.class, CleanupPolicy.DELETE, TimestampType.CREATE_TIME);
    this.reclaimCommands =
        avroTopic(
            config,
            "reclaim-commands",
            ReclaimCommand.class,
            CleanupPolicy.DELETE,
            TimestampType.CREATE_TIME);
    this.operatorActions =
        avroTopic(
            config,
            "operator-actions",
            OperatorAction.class,
            CleanupPolicy.DELETE,
            TimestampType.LOG_APPEND_TIME);
    // One record per change of an incident, keyed by its id: compaction keeps each one's latest.
    this.incidents =
        avroTopic(
            config, "incidents", Incident.class, CleanupPolicy.COMPACT, TimestampType.CREATE_TIME);
    // Dead letters keep the original bytes untouched: whatever could not be read stays readable
    // later.
    this.deadLetter =
        new Topic<>(
            name(config, "dead-letter"),
            Serdes.ByteArray(),
            Serdes.ByteArray(),
            CleanupPolicy.DELETE,
            TimestampType.CREATE_TIME);
  }

  /**
   * The catalog for these client properties: {@code schema.registry.url} (and the registry client's
   * other settings), the serdes' settings, and optional {@code lockwatch.topic.*} names.
   */
  public static TopicCatalog fromConfig(Map<String, ?> config) {
    return new TopicCatalog(config, SchemaRegistries.fromConfig(config));
  }

  /** The catalog with serdes on a registry the caller already has. */
  public static TopicCatalog withRegistry(Map<String, ?> config, SchemaRegistry registry) {
    return new TopicCatalog(config, registry);
  }

  /**
   * Settings that name every topic {@code <prefix>.<role>}: a catalog of its own, e.g. per test.
   */
  public static Map<String, String> namedWithPrefix(String prefix) {
    Map<String, String> names = new java.util.LinkedHashMap<>();
    for (String role : ROLES) {
      names.put(TOPIC_PREFIX + role, prefix + "." + role);
    }
    return names;
  }

  public Topic<String, LockEvent> lockEvents() {
    return lockEvents;
  }

  public Topic<String, LockState> lockState() {
    return lockState;
  }

  public Topic<String, Alert> alerts() {
    return alerts;
  }

  public Topic<String, ReclaimCommand> reclaimCommands() {
    return reclaimCommands;
  }

  public Topic<String, OperatorAction> operatorActions() {
    return operatorActions;
  }

  public Topic<String, Incident> incidents() {
    return incidents;
  }

  public Topic<byte[], byte[]> deadLetter() {
    return deadLetter;
  }

  /** The registry client the Avro serdes share. */
  public SchemaRegistry registry() {
    return registry;
  }

  public List<Topic<?, ?>> all() {
    return List.of(
        lockEvents, lockState, alerts, reclaimCommands, operatorActions, incidents, deadLetter);
  }

  /** Every topic for an admin client, with its cleanup policy. */
  public List<NewTopic> newTopics(int partitions, Optional<Short> replicationFactor) {
    return all().stream().map(topic -> topic.newTopic(partitions, replicationFactor)).toList();
  }

  private <V extends org.apache.avro.specific.SpecificRecord> Topic<String, V> avroTopic(
      Map<String, ?> config,
      String role,
      Class<V> type,
      CleanupPolicy cleanup,
      TimestampType timestampType) {
    Serde<V> values = AvroSerde.forType(type, registry);
    values.configure(config, false);
    return new Topic<>(name(config, role), Serdes.String(), values, cleanup, timestampType);
  }

  private static String name(Map<String, ?> config, String role) {
    Object configured = config.get(TOPIC_PREFIX + role);
    String name = configured == null ? "lockwatch." + role : configured.toString().trim();
    if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new ConfigException(TOPIC_PREFIX + role, configured, "not a legal Kafka topic name");
    }
    return name;
  }
}
