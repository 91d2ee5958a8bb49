package io.lockwatch.cli;

import io.lockwatch.cli.output.Times;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.OperatorActionType;
import io.lockwatch.schemas.contract.ContractLimits;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Publishes one operator action, keyed by lock id, and says exactly what was published. */
final class OperatorActionPublisher {
  private OperatorActionPublisher() {}

  static int publish(
      ConnectionOptions connection,
      PrintWriter out,
      OperatorActionType type,
      String lockId,
      long token,
      String operator,
      String reason,
      String commandId,
      Duration wait)
      throws Exception {
    if (token <= 0) {
      throw new UsageException(
          "--token must be the lock's fencing token (1 or more; see lockwatch locks), not "
              + token);
    }
    Map<String, Object> config = new HashMap<>(connection.config().clientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "lockwatch-cli-operator");
    TopicCatalog catalog = TopicCatalog.fromConfig(config);
    Topic<String, OperatorAction> topic = catalog.operatorActions();
    Instant now = Instant.now();
    OperatorAction action =
        OperatorAction.newBuilder()
            .setActionId(UUID.randomUUID().toString())
            .setLockId(lockId)
            .setType(type)
            .setFencingToken(token)
            .setOperator(operator)
            .setReason(reason)
            .setRequestedAt(now)
            .setCommandId(commandId)
            .build();
    ContractLimits.violation(action)
        .ifPresent(
            violation -> {
              throw new UsageException("Operator action refused: " + violation);
            });
    try (OperatorVerdicts verdicts =
            wait.isZero()
                ? null
                : new OperatorVerdicts(config, catalog, lockId, connection.timeout());
        KafkaProducer<String, OperatorAction> producer =
            new KafkaProducer<>(
                config, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      RecordMetadata metadata =
          producer
              .send(new ProducerRecord<>(topic.name(), lockId, action))
              .get(connection.timeout().toMillis(), TimeUnit.MILLISECONDS);
      out.println(
          "Published "
              + type
              + " of "
              + lockId
              + " for token "
              + token
              + " by "
              + operator
              + (reason != null ? " (\"" + reason + "\")" : "")
              + (commandId != null ? " for command " + commandId : "")
              + " to "
              + metadata.topic()
              + "-"
              + metadata.partition()
              + " at offset "
              + metadata.offset()
              + "; action id "
              + action.getActionId());
      if (verdicts == null) {
        out.println(
            "Lockwatch applies it only while "
                + lockId
                + " is still held under token "
                + token
                + "; its answer is on the alerts and reclaim-commands topics (lockwatch replay"
                + " --lock "
                + lockId
                + ").");
        return ExitCodes.DONE;
      }
      out.flush();
      Optional<OperatorVerdicts.Verdict> verdict = verdicts.await(action, wait);
      if (verdict.isEmpty()) {
        throw new IllegalStateException(
            "no answer from Lockwatch within "
                + Times.duration(wait)
                + " (is the app running and caught up?); lockwatch replay --lock "
                + lockId
                + " shows it when it comes");
      }
      if (!verdict.get().accepted()) {
        throw new ActionRefused("Lockwatch refused it: " + verdict.get().text());
      }
      out.println(verdict.get().text());
    }
    return 0;
  }

  /** The app refused the action: exit 1 with its reason. */
  static final class ActionRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ActionRefused(String message) {
      super(message);
    }
  }

  static String defaultOperator() {
    String user = System.getenv("USER");
    return user == null || user.isBlank() ? System.getProperty("user.name", "operator") : user;
  }
}
