package io.lockwatch.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The operations Lockwatch needs from a Confluent-compatible schema registry. Implementations cache
 * what never changes (ids and the schemas behind them) and are safe for concurrent use.
 */
public interface SchemaRegistry extends AutoCloseable {

  /** Registers {@code schema} under {@code subject} (or finds it there) and returns its id. */
  int register(String subject, Schema schema);

  /** The id {@code schema} already has under {@code subject}. */
  RegisteredSchema lookup(String subject, Schema schema);

  /** The schema with this id. */
  Schema schemaById(int id);

  /** The newest version registered under {@code subject}. */
  RegisteredSchema latest(String subject);

  /** Whether {@code schema} could be registered under {@code subject} by its compatibility rule. */
  CompatibilityResult testCompatibility(String subject, Schema schema);

  /** Sets the compatibility level of one subject. */
  void setCompatibility(String subject, CompatibilityLevel level);

  /** Sets the registry-wide default compatibility level. */
  void setGlobalCompatibility(CompatibilityLevel level);

  /** The compatibility level in force for {@code subject} (its own, else the global one). */
  CompatibilityLevel compatibility(String subject);

  /** All subjects. */
  List<String> subjects();

  @Override
  default void close() {}
}
