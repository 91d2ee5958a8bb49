package io.lockwatch.cli;

import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.schemas.registry.RegistryClientConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where Lockwatch's Kafka cluster and schema registry are, and every other client setting: the
 * streams app's own properties file and environment variables ({@code LOCKWATCH_KAFKA_*}, {@code
 * LOCKWATCH_*}), with these flags over them. The same file serves the app and the CLI, so {@code
 * at} judges locks with the app's thresholds and policies.
 */
public final class ConnectionOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The Lockwatch properties file (Kafka, registry and lockwatch.* settings; default: $LOCKWATCH_CONFIG_FILE).")
  Path configFile;

  @Option(
      names = {"-b", "--bootstrap-servers"},
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: bootstrap.servers from the settings).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      description = "Schema registry URL (default: schema.registry.url from the settings).")
  String registryUrl;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description = "Give up when Kafka does not answer for this long (default: ${DEFAULT-VALUE}).")
  String timeout;

  /** How long to wait for Kafka. */
  public java.time.Duration timeout() {
    return TimeParser.duration(timeout);
  }

  /** Whether a settings file is named, by --config or $LOCKWATCH_CONFIG_FILE. */
  public boolean hasConfigFile() {
    return configFile != null || System.getenv("LOCKWATCH_CONFIG_FILE") != null;
  }

  /** The settings: file, then environment, then flags. */
  public LockwatchConfig settings() {
    Optional<Path> file =
        Optional.ofNullable(configFile)
            .or(() -> Optional.ofNullable(System.getenv("LOCKWATCH_CONFIG_FILE")).map(Path::of));
    Map<String, String> flags = new HashMap<>();
    if (bootstrapServers != null) {
      flags.put("bootstrap.servers", bootstrapServers);
    }
    if (registryUrl != null) {
      flags.put(RegistryClientConfig.URL, registryUrl);
    }
    return LockwatchConfig.load(file, System.getenv()).with(flags);
  }

  /** The settings, which must say where Kafka and the registry are. */
  public LockwatchConfig config() {
    LockwatchConfig config = settings();
    Map<String, Object> client = config.clientConfig();
    if (!client.containsKey("bootstrap.servers")) {
      throw new UsageException(
          "Where is Kafka? Give --bootstrap-servers, LOCKWATCH_KAFKA_BOOTSTRAP_SERVERS or bootstrap.servers in --config");
    }
    if (!client.containsKey(RegistryClientConfig.URL)) {
      throw new UsageException(
          "Where is the schema registry? Give --registry-url, LOCKWATCH_KAFKA_SCHEMA_REGISTRY_URL or "
              + RegistryClientConfig.URL
              + " in --config");
    }
    return config;
  }
}
