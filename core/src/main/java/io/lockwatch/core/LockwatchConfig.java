package io.lockwatch.core;

import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.schemas.registry.CompatibilityLevel;
import io.lockwatch.schemas.registry.UrlCredentials;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * The streams app's settings: a properties file, then environment variables over it.
 *
 * <p>Keys starting with {@code lockwatch.} are Lockwatch's own (listed below). Every other key is
 * passed to Kafka Streams, its clients and the registry client unchanged ({@code
 * bootstrap.servers}, {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, {@code
 * schema.registry.*}, {@code state.dir}, ...).
 *
 * <p>Environment: {@code LOCKWATCH_KAFKA_<KEY>} sets a pass-through key and {@code LOCKWATCH_<KEY>}
 * a {@code lockwatch.} key, where KEY is the key upper-cased with {@code .} as {@code _} and {@code
 * -} as {@code __}: {@code LOCKWATCH_KAFKA_BOOTSTRAP_SERVERS} is {@code bootstrap.servers}, {@code
 * LOCKWATCH_THRESHOLD_MISSED__BEATS} is {@code lockwatch.threshold.missed-beats}.
 *
 * <table>
 *   <caption>Lockwatch's keys</caption>
 *   <tr><td>lockwatch.application.id</td><td>lockwatch</td><td>Kafka Streams application id (consumer group, internal topic prefix)</td></tr>
 *   <tr><td>lockwatch.instance.id</td><td>app id + lockwatch.http.advertised, if set</td><td>static group membership (group.instance.id): a restarted instance gets its partitions back at once, without a rebalance; empty: dynamic membership</td></tr>
 *   <tr><td>lockwatch.schemas.compatibility</td><td>BACKWARD</td><td>compatibility set on the contract's subjects when the app registers its schemas at start</td></tr>
 *   <tr><td>lockwatch.threshold.default.ms</td><td>30000</td><td>threshold when the holder promised no heartbeat interval</td></tr>
 *   <tr><td>lockwatch.threshold.missed-beats</td><td>3</td><td>threshold = promised interval x this</td></tr>
 *   <tr><td>lockwatch.threshold.min.ms / .max.ms</td><td>1000 / 3600000</td><td>bounds on every threshold</td></tr>
 *   <tr><td>lockwatch.threshold.overrides</td><td></td><td>glob=ms,... first match wins, e.g. aim_*=20000</td></tr>
 *   <tr><td>lockwatch.policy.default</td><td>auto</td><td>auto, hold or dry-run</td></tr>
 *   <tr><td>lockwatch.policy.rules</td><td></td><td>glob=policy,... first match wins, e.g. aim_*=hold</td></tr>
 *   <tr><td>lockwatch.reclaim.grace.ms</td><td>0</td><td>wait between stale and reclaim ("lock-delay")</td></tr>
 *   <tr><td>lockwatch.reclaim.confirm-timeout.ms</td><td>60000</td><td>re-alert a reclaim not confirmed or rejected by then</td></tr>
 *   <tr><td>lockwatch.check.interval.ms</td><td>250</td><td>how often each task looks for due locks</td></tr>
 *   <tr><td>lockwatch.judgement.max-lag</td><td>0</td><td>records the task may still have to process when it judges staleness; any record left could be a renewing heartbeat, so keep 0 unless lock events are written by transactional producers (whose commit markers a task never processes)</td></tr>
 *   <tr><td>lockwatch.http.host / .port</td><td>127.0.0.1 / 8080</td><td>the read-only HTTP API (port 0: any free port)</td></tr>
 *   <tr><td>lockwatch.http.advertised</td><td>host:port</td><td>how other instances reach this one's API (application.server)</td></tr>
 *   <tr><td>lockwatch.topics.create</td><td>true</td><td>create missing topics at start</td></tr>
 *   <tr><td>lockwatch.topics.partitions</td><td>6</td><td>partitions of created topics</td></tr>
 *   <tr><td>lockwatch.topics.replication-factor</td><td>-1</td><td>replication of created topics (-1: broker default)</td></tr>
 *   <tr><td>lockwatch.topic.*</td><td></td><td>topic names (see the topic catalog)</td></tr>
 * </table>
 */
public final class LockwatchConfig {

  private static final String PREFIX = "lockwatch.";
  private static final String ENV_PREFIX = "LOCKWATCH_";
  private static final String ENV_KAFKA_PREFIX = "LOCKWATCH_KAFKA_";

  /** LOCKWATCH_* variables that belong to the launcher and the embedded stack, not to the app. */
  private static final java.util.Set<String> NOT_APP_SETTINGS =
      java.util.Set.of(
          "LOCKWATCH_CONFIG_FILE",
          "LOCKWATCH_JAVA_OPTS",
          "LOCKWATCH_CACHE_DIR",
          "LOCKWATCH_REGISTRY_JAVA_HOME",
          "LOCKWATCH_REGISTRY_ARCHIVE");

  private static final java.util.Set<String> KNOWN_KEYS =
      java.util.Set.of(
          "lockwatch.application.id",
          "lockwatch.instance.id",
          "lockwatch.schemas.compatibility",
          "lockwatch.threshold.default.ms",
          "lockwatch.threshold.missed-beats",
          "lockwatch.threshold.min.ms",
          "lockwatch.threshold.max.ms",
          "lockwatch.threshold.overrides",
          "lockwatch.policy.default",
          "lockwatch.policy.rules",
          "lockwatch.reclaim.grace.ms",
          "lockwatch.reclaim.confirm-timeout.ms",
          "lockwatch.check.interval.ms",
          "lockwatch.judgement.max-lag",
          "lockwatch.http.host",
          "lockwatch.http.port",
          "lockwatch.http.advertised",
          "lockwatch.topics.create",
          "lockwatch.topics.partitions",
          "lockwatch.topics.replication-factor");

  private final Map<String, String> values;

  private LockwatchConfig(Map<String, String> values) {
    for (String key : values.keySet()) {
      boolean topicName =
          key.startsWith(TopicCatalog.TOPIC_PREFIX)
              && TopicCatalog.ROLES.contains(key.substring(TopicCatalog.TOPIC_PREFIX.length()));
      if (key.startsWith(PREFIX) && !KNOWN_KEYS.contains(key) && !topicName) {
        throw new ConfigException(
            "Unknown setting "
                + key
                + " (Lockwatch's settings: "
                + new java.util.TreeSet<>(KNOWN_KEYS)
                + ")");
      }
    }
    this.values = Map.copyOf(values);
  }

  /** Every lockwatch.* key the app takes (the topic names aside): what the README documents. */
  public static java.util.SortedSet<String> knownKeys() {
    return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(KNOWN_KEYS));
  }

  /** From a properties file (optional) and this process's environment. */
  public static LockwatchConfig load(Optional<Path> file, Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    if (file.isPresent()) {
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(file.get())) {
        properties.load(in);
      } catch (IOException e) {
        throw new ConfigException(
            "Cannot read the configuration file " + file.get() + ": " + e.getMessage());
      }
      properties
          .stringPropertyNames()
          .forEach(key -> values.put(key, properties.getProperty(key).trim()));
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_KAFKA_PREFIX)) {
            values.put(keyOf(name.substring(ENV_KAFKA_PREFIX.length())), value);
          } else if (name.startsWith(ENV_PREFIX) && !NOT_APP_SETTINGS.contains(name)) {
            values.put(PREFIX + keyOf(name.substring(ENV_PREFIX.length())), value);
          }
        });
    return new LockwatchConfig(values);
  }

  /** From explicit values (tests, the embedded demo). */
  public static LockwatchConfig of(Map<String, String> values) {
    return new LockwatchConfig(values);
  }

  /** These settings with {@code overrides} over them (command-line flags, say). */
  public LockwatchConfig with(Map<String, String> overrides) {
    Map<String, String> merged = new TreeMap<>(values);
    merged.putAll(overrides);
    return new LockwatchConfig(merged);
  }

  static String keyOf(String envName) {
    return envName
        .toLowerCase(Locale.ROOT)
        .replace("__", "\u0000")
        .replace('_', '.')
        .replace('\u0000', '-');
  }

  /** Everything that is not a lockwatch.* key, plus the topic names: what clients are given. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> client = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          if (!key.startsWith(PREFIX) || key.startsWith("lockwatch.topic.")) {
            client.put(key, value);
          }
        });
    return client;
  }

  public String applicationId() {
    return string("lockwatch.application.id", "lockwatch");
  }

  /**
   * This instance's stable identity for static group membership, if it has one: the setting, or
   * else the advertised HTTP address ({@code lockwatch.http.advertised}).
   */
  public Optional<String> instanceId() {
    String configured = values.get("lockwatch.instance.id");
    if (configured != null) {
      return configured.isBlank() ? Optional.empty() : Optional.of(configured.trim());
    }
    // Only an address the operator declared is known to be unique and stable (a pod's DNS name).
    return httpAdvertised().map(address -> applicationId() + "-" + address);
  }

  /** The compatibility the app sets on the contract's subjects when it registers them. */
  public CompatibilityLevel schemaCompatibility() {
    String value = string("lockwatch.schemas.compatibility", "BACKWARD");
    try {
      return CompatibilityLevel.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "lockwatch.schemas.compatibility",
          value,
          "expected one of " + java.util.Arrays.toString(CompatibilityLevel.values()));
    }
  }

  public WatchPolicy watchPolicy() {
    WatchPolicy.Builder policy =
        WatchPolicy.builder()
            .defaultThreshold(millis("lockwatch.threshold.default.ms", 30_000))
            .missedBeats((int) number("lockwatch.threshold.missed-beats", 3))
            .thresholdBounds(
                millis("lockwatch.threshold.min.ms", 1_000),
                millis("lockwatch.threshold.max.ms", 3_600_000))
            .defaultPolicy(
                policy("lockwatch.policy.default", string("lockwatch.policy.default", "auto")))
            .reclaimGrace(Duration.ofMillis(number("lockwatch.reclaim.grace.ms", 0)))
            .confirmTimeout(millis("lockwatch.reclaim.confirm-timeout.ms", 60_000));
    for (Map.Entry<String, String> rule : rules("lockwatch.threshold.overrides").entrySet()) {
      policy.thresholdOverride(
          rule.getKey(),
          Duration.ofMillis(parseNumber("lockwatch.threshold.overrides", rule.getValue())));
    }
    for (Map.Entry<String, String> rule : rules("lockwatch.policy.rules").entrySet()) {
      policy.policy(rule.getKey(), policy("lockwatch.policy.rules", rule.getValue()));
    }
    try {
      return policy.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid Lockwatch policy: " + e.getMessage());
    }
  }

  public Duration checkInterval() {
    return millis("lockwatch.check.interval.ms", 250);
  }

  public long judgementMaxLag() {
    return number("lockwatch.judgement.max-lag", 0);
  }

  public String httpHost() {
    return string("lockwatch.http.host", "127.0.0.1");
  }

  public int httpPort() {
    return (int) number("lockwatch.http.port", 8080);
  }

  public Optional<String> httpAdvertised() {
    return Optional.ofNullable(values.get("lockwatch.http.advertised"));
  }

  public boolean createTopics() {
    return Boolean.parseBoolean(string("lockwatch.topics.create", "true"));
  }

  public int topicPartitions() {
    return (int) number("lockwatch.topics.partitions", 6);
  }

  public Optional<Short> topicReplicationFactor() {
    long factor = number("lockwatch.topics.replication-factor", -1);
    return factor < 0 ? Optional.empty() : Optional.of((short) factor);
  }

  /** Every setting, with secrets masked, for the startup log. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    values.forEach(
        (key, value) ->
            text.append("\n  ")
                .append(key)
                .append(" = ")
                .append(isSecret(key) ? "[hidden]" : UrlCredentials.mask(value)));
    return text.toString();
  }

  static boolean isSecret(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("password")
        || lower.contains("secret")
        || lower.contains("jaas")
        || lower.contains("user.info")
        || lower.contains("token") && !lower.startsWith(PREFIX)
        || lower.endsWith(".key")
        || lower.contains("credentials");
  }

  private String string(String key, String fallback) {
    String value = values.get(key);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private long number(String key, long fallback) {
    String value = values.get(key);
    return value == null || value.isBlank() ? fallback : parseNumber(key, value);
  }

  private static long parseNumber(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, value, "not a whole number");
    }
  }

  private Duration millis(String key, long fallback) {
    long value = number(key, fallback);
    if (value <= 0) {
      throw new ConfigException(key, value, "must be positive");
    }
    return Duration.ofMillis(value);
  }

  private static ReclaimPolicy policy(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> ReclaimPolicy.AUTO;
      case "hold" -> ReclaimPolicy.HOLD;
      case "dry-run", "dry_run", "dryrun" -> ReclaimPolicy.DRY_RUN;
      default -> throw new ConfigException(key, value, "expected auto, hold or dry-run");
    };
  }

  /** "glob=value,glob=value" in order. */
  private Map<String, String> rules(String key) {
    Map<String, String> rules = new java.util.LinkedHashMap<>();
    String text = values.get(key);
    if (text == null || text.isBlank()) {
      return rules;
    }
    for (String rule : text.split(",")) {
      int equals = rule.lastIndexOf('=');
      if (equals <= 0 || equals == rule.length() - 1) {
        throw new ConfigException(
            key, text, "expected glob=value[,glob=value...], got '" + rule.trim() + "'");
      }
      rules.put(rule.substring(0, equals).trim(), rule.substring(equals + 1).trim());
    }
    return rules;
  }
}
