package io.lockwatch.cli;

import io.lockwatch.events.Alert;
import io.lockwatch.events.AlertReason;
import io.lockwatch.events.LockState;
import io.lockwatch.events.LockStatus;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.contract.LockPartitioner;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Waits for the app's answer to one operator action: the command it issued, the transition it
 * published (a denial), or the refusal it alerted on. Watches only the lock's partition of each
 * output topic, from the offsets before the action was sent, so an earlier answer is never taken
 * for this one.
 */
final class OperatorVerdicts implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Topic<String, ? extends SpecificRecord>> watched =
      new HashMap<>();

  /** The app's answer. */
  record Verdict(boolean accepted, String text) {}

  /**
   * Starts watching {@code lockId}'s answers now, before the action is sent.
   *
   * @param clientConfig Kafka client settings
   */
  OperatorVerdicts(
      Map<String, Object> clientConfig, TopicCatalog catalog, String lockId, Duration timeout) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "lockwatch-cli-verdict");
    this.consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<Topic<String, ? extends SpecificRecord>> topics =
        List.of(catalog.alerts(), catalog.reclaimCommands(), catalog.lockState());
    for (Topic<String, ? extends SpecificRecord> topic : topics) {
      int partitions = consumer.partitionsFor(topic.name(), timeout).size();
      watched.put(
          new TopicPartition(topic.name(), LockPartitioner.partitionOf(lockId, partitions)), topic);
    }
    List<TopicPartition> assigned = new ArrayList<>(watched.keySet());
    consumer.assign(assigned);
    consumer.seekToEnd(assigned);
    assigned.forEach(consumer::position); // fix the start before the action is sent
  }

  /** The app's answer to {@code action}, if it comes within {@code wait}. */
  Optional<Verdict> await(OperatorAction action, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
        if (record.value() == null) {
          continue;
        }
        Topic<String, ? extends SpecificRecord> topic =
            watched.get(new TopicPartition(record.topic(), record.partition()));
        SpecificRecord value =
            topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        Optional<Verdict> verdict = answer(action, value);
        if (verdict.isPresent()) {
          return verdict;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Verdict> answer(OperatorAction action, SpecificRecord value) {
    if (value instanceof Alert alert
        && alert.getReason() == AlertReason.MANUAL_RECLAIM_REFUSED
        && action.getActionId().equals(alert.getEvidence().get("actionId"))) {
      return Optional.of(new Verdict(false, alert.getMessage()));
    }
    if (value instanceof ReclaimCommand command
        && command.getLockId().equals(action.getLockId())
        && command.getFencingToken() == action.getFencingToken()
        && (action.getOperator().equals(command.getRequestedBy())
            || action.getOperator().equals(command.getApprovedBy()))) {
      return Optional.of(
          new Verdict(
              true,
              "Lockwatch issued reclaim command "
                  + command.getCommandId()
                  + " for "
                  + command.getLockId()
                  + " token "
                  + command.getFencingToken()
                  + (command.getApprovedBy() != null
                      ? ", approved by " + command.getApprovedBy()
                      : ", requested by " + command.getRequestedBy())
                  + "; a reclaim trigger acts on it"));
    }
    if (action.getType() == OperatorActionType.DENY_RECLAIM
        && value instanceof LockState state
        && state.getLockId().equals(action.getLockId())
        && state.getFencingToken() == action.getFencingToken()
        && state.getStatus() == LockStatus.STALE
        && state.getNextCheckAt() == null) {
      return Optional.of(
          new Verdict(
              true,
              "Lockwatch denied the reclaim of "
                  + state.getLockId()
                  + " token "
                  + state.getFencingToken()
                  + ": no command; it stays STALE until its holder heartbeats or releases, or"
                  + " an operator requests a reclaim"));
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofMillis(100));
  }
}
