package io.lockwatch.schemas.contract;

import io.lockwatch.events.Alert;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.registry.CompatibilityLevel;
import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.registry.SchemaRegistry;
import io.lockwatch.schemas.serde.SubjectNameStrategy;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Registers the contract's current schemas under their subjects, so that producers and consumers
 * that do not auto-register (the usual production setting) find them before the first record is
 * written. The streams app does this at start, and {@code lockwatch schemas register} for an
 * operator.
 */
public final class ContractRegistration {
  private static final String VALUE_STRATEGY = "value.subject.name.strategy";

  /** One topic's value subject and the contract's schema for it. */
  public record Subject(String topic, String subject, Schema schema) {}

  /** What registering one subject did. */
  public record Registered(Subject subject, int id, CompatibilityLevel compatibility) {}

  private ContractRegistration() {}

  /** Every Lockwatch topic's value subject, named by the configured subject strategy. */
  public static List<Subject> subjects(TopicCatalog catalog, Map<String, ?> config) {
    Object strategySetting = config.get(VALUE_STRATEGY);
    SubjectNameStrategy strategy =
        strategySetting == null
            ? SubjectNameStrategy.TOPIC_NAME
            : SubjectNameStrategy.parse(
                VALUE_STRATEGY,
                strategySetting instanceof Class<?> type
                    ? type.getName()
                    : strategySetting.toString());
    List<Subject> subjects = new ArrayList<>();
    add(subjects, strategy, catalog.lockEvents().name(), LockEvent.getClassSchema());
    add(subjects, strategy, catalog.lockState().name(), LockState.getClassSchema());
    add(subjects, strategy, catalog.alerts().name(), Alert.getClassSchema());
    add(subjects, strategy, catalog.reclaimCommands().name(), ReclaimCommand.getClassSchema());
    add(subjects, strategy, catalog.operatorActions().name(), OperatorAction.getClassSchema());
    return subjects;
  }

  /**
   * Gives each subject the compatibility {@code compatibility} and registers the contract's schema
   * under it (registering a schema the subject already has returns its id and changes nothing).
   * Fails with the registry's error when a subject refuses the schema.
   */
  public static List<Registered> register(
      SchemaRegistry registry, List<Subject> subjects, CompatibilityLevel compatibility) {
    List<Registered> registered = new ArrayList<>();
    for (Subject subject : subjects) {
      ensureCompatibility(registry, subject.subject(), compatibility);
      int id = registry.register(subject.subject(), subject.schema());
      registered.add(new Registered(subject, id, compatibility));
    }
    return registered;
  }

  /**
   * Sets the subject's effective compatibility only where it differs: several instances start
   * together, and a registry may refuse a concurrent second setting (Apicurio answers 409).
   */
  private static void ensureCompatibility(
      SchemaRegistry registry, String subject, CompatibilityLevel compatibility) {
    if (registry.compatibility(subject) == compatibility) {
      return;
    }
    try {
      registry.setCompatibility(subject, compatibility);
    } catch (RegistryException e) {
      if (e.httpStatus() != 409 || registry.compatibility(subject) != compatibility) {
        throw e;
      }
    }
  }

  private static void add(
      List<Subject> subjects, SubjectNameStrategy strategy, String topic, Schema schema) {
    subjects.add(new Subject(topic, strategy.subject(topic, false, schema), schema));
  }
}
