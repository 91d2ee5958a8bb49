package io.lockwatch.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * Makes the {@link SchemaRegistry} that client properties point at. A URL of the form {@code
 * mock://scope} names an {@link InMemorySchemaRegistry} shared by everything in this JVM that uses
 * the same scope, as with the Confluent serdes.
 */
public final class SchemaRegistries {

  private static final String MOCK_SCHEME = "mock://";
  private static final Map<String, InMemorySchemaRegistry> MOCK_SCOPES = new ConcurrentHashMap<>();

  private SchemaRegistries() {}

  public static SchemaRegistry fromConfig(Map<String, ?> config) {
    Object url = config.get(RegistryClientConfig.URL);
    if (url == null) {
      throw new ConfigException("Missing required setting " + RegistryClientConfig.URL);
    }
    String text = url.toString().trim();
    if (text.startsWith(MOCK_SCHEME)) {
      return inMemoryScope(text.substring(MOCK_SCHEME.length()));
    }
    return RegistryClient.fromConfig(config);
  }

  /** The in-memory registry of a {@code mock://} scope, created on first use. */
  public static InMemorySchemaRegistry inMemoryScope(String scope) {
    return MOCK_SCOPES.computeIfAbsent(scope, key -> new InMemorySchemaRegistry());
  }

  /** Forgets a {@code mock://} scope, so that the next use starts empty. */
  public static void dropInMemoryScope(String scope) {
    MOCK_SCOPES.remove(scope);
  }
}
