package io.lockwatch.streams;

import io.lockwatch.schemas.registry.CompatibilityLevel;
import io.lockwatch.schemas.registry.CompatibilityResult;
import io.lockwatch.schemas.registry.RegisteredSchema;
import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.registry.SchemaRegistry;
import java.util.List;
import org.apache.avro.Schema;

/**
 * A registry that answers like the one it wraps until it is switched off, then cannot be reached.
 */
final class SwitchableRegistry implements SchemaRegistry {
  private final SchemaRegistry delegate;
  private volatile boolean down;

  SwitchableRegistry(SchemaRegistry delegate) {
    this.delegate = delegate;
  }

  void down(boolean down) {
    this.down = down;
  }

  private SchemaRegistry reachable() {
    if (down) {
      throw new RegistryException(
          "Cannot reach the schema registry at http://registry.test: Connection refused",
          new java.net.ConnectException("Connection refused"));
    }
    return delegate;
  }

  @Override
  public int register(String subject, Schema schema) {
    return reachable().register(subject, schema);
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    return reachable().lookup(subject, schema);
  }

  @Override
  public Schema schemaById(int id) {
    return reachable().schemaById(id);
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return reachable().latest(subject);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    return reachable().testCompatibility(subject, schema);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    reachable().setCompatibility(subject, level);
  }

  @Override
  public void setGlobalCompatibility(CompatibilityLevel level) {
    reachable().setGlobalCompatibility(level);
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    return reachable().compatibility(subject);
  }

  @Override
  public List<String> subjects() {
    return reachable().subjects();
  }
}
