package io.lockwatch.core;

import io.lockwatch.core.brake.MassStaleBrake;
import io.lockwatch.core.detect.AccrualDetector;
import io.lockwatch.core.detect.Detector;
import io.lockwatch.core.incident.IncidentSettings;
import io.lockwatch.events.ReclaimPolicy;
import io.lockwatch.schemas.registry.CompatibilityLevel;
import io.lockwatch.schemas.registry.UrlCredentials;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
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
 * <p>Lockwatch's keys, their types, defaults, accepted values and meaning are declared once, in
 * {@link #DEFINITION} (Kafka's {@link ConfigDef}): every value is checked when the settings are
 * read, and an error names the key and what it accepts. The README's table is checked against it.
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

  private static final String LOCKWATCH_POLICIES = "auto, hold or dry-run";

  /** Every lockwatch.* setting the app takes (the topic names aside), declared once. */
  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              "lockwatch.application.id",
              Type.STRING,
              "lockwatch",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              "Kafka Streams application id (consumer group, internal topic prefix)")
          .define(
              "lockwatch.instance.id",
              Type.STRING,
              null,
              Importance.MEDIUM,
              "static group membership (group.instance.id): a restarted instance gets its"
                  + " partitions back without a rebalance; default: the application id and"
                  + " lockwatch.http.advertised, if set; empty turns it off")
          .define(
              "lockwatch.schemas.compatibility",
              Type.STRING,
              "BACKWARD",
              new OneOf(
                  java.util.Arrays.stream(CompatibilityLevel.values()).map(Enum::name).toList()),
              Importance.LOW,
              "compatibility set on the contract's subjects when the app registers them at start")
          .define(
              "lockwatch.schemas.refresh.ms",
              Type.LONG,
              30_000L,
              ConfigDef.Range.atLeast(100),
              Importance.LOW,
              "how often the app fetches the latest schema of each input subject ahead of its"
                  + " records, so that a registry outage stalls only records of a schema"
                  + " registered within this long before it")
          .define(
              "lockwatch.threshold.default.ms",
              Type.LONG,
              30_000L,
              ConfigDef.Range.atLeast(1),
              Importance.HIGH,
              "staleness threshold when the holder promised no heartbeat interval")
          .define(
              "lockwatch.threshold.missed-beats",
              Type.INT,
              3,
              ConfigDef.Range.atLeast(1),
              Importance.HIGH,
              "threshold = promised interval x this")
          .define(
              "lockwatch.threshold.min.ms",
              Type.LONG,
              1_000L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "lower bound on every threshold")
          .define(
              "lockwatch.threshold.max.ms",
              Type.LONG,
              3_600_000L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "upper bound on every threshold")
          .define(
              "lockwatch.threshold.overrides",
              Type.STRING,
              "",
              Importance.MEDIUM,
              "glob=ms,... first match wins, e.g. aim_*=20000")
          .define(
              "lockwatch.policy.default",
              Type.STRING,
              "auto",
              new OneOf(List.of("auto", "hold", "dry-run")),
              Importance.HIGH,
              "auto (issue the reclaim), hold (wait for an operator) or dry-run")
          .define(
              "lockwatch.policy.rules",
              Type.STRING,
              "",
              Importance.MEDIUM,
              "glob=policy,... first match wins, e.g. aim_*=hold")
          .define(
              "lockwatch.reclaim.grace.ms",
              Type.LONG,
              0L,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              "wait between stale and reclaim")
          .define(
              "lockwatch.reclaim.confirm-timeout.ms",
              Type.LONG,
              60_000L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "re-alert (never re-issue) a reclaim not confirmed or rejected by then")
          .define(
              "lockwatch.detector.default",
              Type.STRING,
              "fixed",
              new OneOf(List.of("fixed", "accrual")),
              Importance.HIGH,
              "fixed (stale after interval x missed-beats) or accrual (learns each holding's rhythm;"
                  + " stale where phi crosses lockwatch.detector.accrual.phi, within [floor,"
                  + " threshold])")
          .define(
              "lockwatch.detector.rules",
              Type.STRING,
              "",
              Importance.MEDIUM,
              "glob=detector,... first match wins, e.g. drone_*=accrual")
          .define(
              "lockwatch.detector.accrual.phi",
              Type.DOUBLE,
              8.0,
              ConfigDef.Range.between(0.5, 15),
              Importance.MEDIUM,
              "suspicion level at which an accrual lock is stale (8: a live holder's heartbeat is"
                  + " this late with odds of 1 in 10^8 under its learned rhythm)")
          .define(
              "lockwatch.detector.accrual.floor-beats",
              Type.DOUBLE,
              2.0,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "an accrual lock is never stale sooner than its declared interval times this")
          .define(
              "lockwatch.detector.accrual.ceiling-beats",
              Type.DOUBLE,
              3.0,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "an accrual lock is stale at the latest after its declared interval times this"
                  + " (never sooner than its fixed threshold): above the missed-beats factor, an"
                  + " irregular holder gets more slack, and a frozen lock may be found that much"
                  + " later")
          .define(
              "lockwatch.detector.accrual.min-deviation",
              Type.DOUBLE,
              0.1,
              ConfigDef.Range.between(0.01, 1),
              Importance.LOW,
              "smallest deviation assumed, as a fraction of the declared interval")
          .define(
              "lockwatch.detector.accrual.pause-memory-beats",
              Type.DOUBLE,
              500.0,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "over how many heartbeats the longest gap a holding has shown halves: how long a"
                  + " holder that paused once gets the same slack again")
          .define(
              "lockwatch.detector.accrual.weight",
              Type.DOUBLE,
              0.1,
              ConfigDef.Range.between(0.01, 1),
              Importance.LOW,
              "how much each new inter-arrival time moves the learned mean and deviation")
          .define(
              "lockwatch.check.interval.ms",
              Type.LONG,
              250L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "how often each instance writes a tick to each input partition it watches (its"
                  + " tasks look for due locks on each tick); with producer-stamped inputs, how"
                  + " often each task looks on the wall clock")
          .define(
              "lockwatch.brake.share",
              Type.DOUBLE,
              0.55,
              ConfigDef.Range.atLeast(0.01),
              Importance.MEDIUM,
              "mass-stale brake: automatic reclaims wait for approval when at least this share of"
                  + " the holder nodes heard from within lockwatch.brake.window.ms went silent"
                  + " together (Kubernetes' unhealthy-zone threshold); above 1 turns it off")
          .define(
              "lockwatch.brake.min-nodes",
              Type.INT,
              3,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "mass-stale brake: and at least this many nodes went silent (one node with many"
                  + " locks is one failure, reclaimed at once)")
          .define(
              "lockwatch.brake.max-reclaims-per-minute",
              Type.INT,
              1_000,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              "mass-stale brake: automatic reclaims per minute and input partition past which"
                  + " further ones wait for approval (etcd caps lease revocations likewise); 0:"
                  + " no cap")
          .define(
              "lockwatch.brake.window.ms",
              Type.LONG,
              60_000L,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "mass-stale brake: a holder node counts as part of the fleet while heard from"
                  + " within this long")
          .define(
              "lockwatch.incidents.recovery-renewals",
              Type.INT,
              2,
              ConfigDef.Range.atLeast(0),
              Importance.MEDIUM,
              "an incident ends ALL CLEAR once the next holder (a higher token) has renewed this"
                  + " often, or released; 0: its acquire is enough")
          .define(
              "lockwatch.incidents.escalate-after.ms",
              Type.LONG,
              300_000L,
              ConfigDef.Range.atLeast(1),
              Importance.MEDIUM,
              "an incident whose stale holding still blocks the lock (detected, held, denied,"
                  + " reclaim issued, rejected or unconfirmed) this long after detection is"
                  + " ESCALATED (severity CRITICAL)")
          .define(
              "lockwatch.incidents.left-free-after.ms",
              Type.LONG,
              600_000L,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "an incident whose lock was reclaimed and taken by no one for this long ends"
                  + " LEFT_FREE")
          .define(
              "lockwatch.clock.jump.ms",
              Type.LONG,
              2_000L,
              ConfigDef.Range.atLeast(100),
              Importance.MEDIUM,
              "how far a clock may move beyond the elapsed time before it counts as a jump: an"
                  + " input partition's log clock (then locks silent across it get a fresh"
                  + " threshold) or this instance's own (alerted on only)")
          .define(
              "lockwatch.judgement.max-lag",
              Type.LONG,
              0L,
              ConfigDef.Range.atLeast(0),
              Importance.LOW,
              "input topics with producer timestamps only (judged on the wall clock): records a"
                  + " task may still have to process when it judges staleness; keep 0 unless lock"
                  + " events come from transactional producers")
          .define(
              "lockwatch.rocksdb.memory.bytes",
              Type.LONG,
              256L << 20,
              ConfigDef.Range.atLeast(16L << 20),
              Importance.MEDIUM,
              "native memory for all RocksDB stores of the instance (block cache and memtables,"
                  + " shared); at least 16 MiB")
          .define(
              "lockwatch.http.host",
              Type.STRING,
              "127.0.0.1",
              Importance.MEDIUM,
              "where the read-only HTTP API listens")
          .define(
              "lockwatch.http.port",
              Type.INT,
              8080,
              ConfigDef.Range.between(0, 65_535),
              Importance.MEDIUM,
              "the HTTP API's port (0: any free port)")
          .define(
              "lockwatch.http.advertised",
              Type.STRING,
              null,
              Importance.MEDIUM,
              "host:port other instances reach this one's API at (application.server)")
          .define(
              "lockwatch.topics.create",
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "create missing topics at start")
          .define(
              "lockwatch.topics.partitions",
              Type.INT,
              6,
              ConfigDef.Range.atLeast(1),
              Importance.LOW,
              "partitions of created topics")
          .define(
              "lockwatch.topics.replication-factor",
              Type.SHORT,
              (short) -1,
              ConfigDef.Range.atLeast(-1),
              Importance.LOW,
              "replication of created topics (-1: the broker's default)");

  private final Map<String, String> values;
  private final Map<String, Object> parsed;
  private final List<String> ignoredVariables;

  private LockwatchConfig(Map<String, String> values) {
    this(values, List.of());
  }

  private LockwatchConfig(Map<String, String> values, List<String> ignoredVariables) {
    this.ignoredVariables = List.copyOf(ignoredVariables);
    for (String key : values.keySet()) {
      boolean topicName =
          key.startsWith(TopicCatalog.TOPIC_PREFIX)
              && TopicCatalog.ROLES.contains(key.substring(TopicCatalog.TOPIC_PREFIX.length()));
      if (key.startsWith(PREFIX) && !DEFINITION.names().contains(key) && !topicName) {
        throw new ConfigException(
            "Unknown setting " + key + " (Lockwatch's settings: " + knownKeys() + ")");
      }
    }
    this.values = Map.copyOf(values);
    Map<String, String> own = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          // A blank value means the default, as in a properties template with empty entries.
          if (DEFINITION.names().contains(key) && !value.isBlank()) {
            own.put(key, value.trim());
          }
        });
    if (values.containsKey("lockwatch.instance.id")) {
      own.put("lockwatch.instance.id", values.get("lockwatch.instance.id").trim());
    }
    this.parsed = DEFINITION.parse(own);
  }

  /** Every lockwatch.* key the app takes (the topic names aside): what the README documents. */
  public static java.util.SortedSet<String> knownKeys() {
    return java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(DEFINITION.names()));
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
    java.util.SortedSet<String> ignored = new java.util.TreeSet<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_KAFKA_PREFIX)) {
            values.put(keyOf(name.substring(ENV_KAFKA_PREFIX.length())), value);
          } else if (name.startsWith(ENV_PREFIX) && !NOT_APP_SETTINGS.contains(name)) {
            String key = PREFIX + keyOf(name.substring(ENV_PREFIX.length()));
            if (isLockwatchKey(key)) {
              values.put(key, value);
            } else {
              // Not ours: a kubelet injects LOCKWATCH_PORT, LOCKWATCH_SERVICE_HOST and the like
              // for a Service named lockwatch, and the CLI's LOCKWATCH_API is read elsewhere.
              ignored.add(name);
            }
          }
        });
    return new LockwatchConfig(values, List.copyOf(ignored));
  }

  /** A key the settings declare: one of {@link #DEFINITION}'s, or a topic name. */
  private static boolean isLockwatchKey(String key) {
    return DEFINITION.names().contains(key)
        || key.startsWith(TopicCatalog.TOPIC_PREFIX)
            && TopicCatalog.ROLES.contains(key.substring(TopicCatalog.TOPIC_PREFIX.length()));
  }

  /**
   * LOCKWATCH_* environment variables that name no setting and were left out (by name only: their
   * values may be secrets). Callers warn once; an undeclared key in a file is still an error.
   */
  public List<String> ignoredVariables() {
    return ignoredVariables;
  }

  /** From explicit values (tests, the embedded demo). */
  public static LockwatchConfig of(Map<String, String> values) {
    return new LockwatchConfig(values);
  }

  /** These settings with {@code overrides} over them (command-line flags, say). */
  public LockwatchConfig with(Map<String, String> overrides) {
    Map<String, String> merged = new TreeMap<>(values);
    merged.putAll(overrides);
    return new LockwatchConfig(merged, ignoredVariables);
  }

  static String keyOf(String envName) {
    return envName
        .toLowerCase(Locale.ROOT)
        .replace("__", "\u0000")
        .replace('_', '.')
        .replace('\u0000', '-');
  }

  /** Every setting as given (none of the defaults filled in), by key. */
  public Map<String, String> values() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /**
   * The settings, as given, that decide how locks are judged (thresholds, policies, reclaim grace
   * and confirmation): what a fold of history needs to judge as the app did, and what an export
   * carries with it.
   */
  public Map<String, String> judgementSettings() {
    Map<String, String> judgement = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          if (key.startsWith("lockwatch.threshold.")
              || key.startsWith("lockwatch.policy.")
              || key.startsWith("lockwatch.reclaim.")
              || key.startsWith("lockwatch.detector.")
              || key.startsWith("lockwatch.brake.")
              || key.startsWith("lockwatch.incidents.")) {
            judgement.put(key, value);
          }
        });
    return judgement;
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
    return (String) parsed.get("lockwatch.application.id");
  }

  /**
   * This instance's stable identity for static group membership, if it has one: the setting, or
   * else the advertised HTTP address ({@code lockwatch.http.advertised}).
   */
  public Optional<String> instanceId() {
    String configured = (String) parsed.get("lockwatch.instance.id");
    if (configured != null) {
      if (configured.isBlank()) {
        return Optional.empty();
      }
      if (!configured.matches("[a-zA-Z0-9._-]{1,249}")) {
        throw new ConfigException(
            "lockwatch.instance.id",
            configured,
            "Kafka takes letters, digits, '.', '_' and '-' only, at most 249 of them");
      }
      return Optional.of(configured);
    }
    // Only an address the operator declared is known to be unique and stable (a pod's DNS name).
    // Kafka refuses a group.instance.id with other characters than [a-zA-Z0-9._-] (the port's
    // ':' among them): the consumer would not even be built.
    return httpAdvertised()
        .map(address -> (applicationId() + "-" + address).replaceAll("[^a-zA-Z0-9._-]", "-"))
        .map(id -> id.length() <= 249 ? id : id.substring(0, 249));
  }

  /** The compatibility the app sets on the contract's subjects when it registers them. */
  public CompatibilityLevel schemaCompatibility() {
    return CompatibilityLevel.valueOf(
        ((String) parsed.get("lockwatch.schemas.compatibility")).toUpperCase(Locale.ROOT));
  }

  public WatchPolicy watchPolicy() {
    WatchPolicy.Builder policy =
        WatchPolicy.builder()
            .defaultThreshold(millis("lockwatch.threshold.default.ms"))
            .missedBeats((Integer) parsed.get("lockwatch.threshold.missed-beats"))
            .thresholdBounds(
                millis("lockwatch.threshold.min.ms"), millis("lockwatch.threshold.max.ms"))
            .defaultPolicy(
                policy("lockwatch.policy.default", (String) parsed.get("lockwatch.policy.default")))
            .reclaimGrace(millis("lockwatch.reclaim.grace.ms"))
            .brake(
                new MassStaleBrake.Settings(
                    (Double) parsed.get("lockwatch.brake.share"),
                    (Integer) parsed.get("lockwatch.brake.min-nodes"),
                    millis("lockwatch.brake.window.ms"),
                    (Integer) parsed.get("lockwatch.brake.max-reclaims-per-minute")))
            .incidents(
                new IncidentSettings(
                    (Integer) parsed.get("lockwatch.incidents.recovery-renewals"),
                    millis("lockwatch.incidents.escalate-after.ms"),
                    millis("lockwatch.incidents.left-free-after.ms")))
            .confirmTimeout(millis("lockwatch.reclaim.confirm-timeout.ms"));
    for (Map.Entry<String, String> rule : rules("lockwatch.threshold.overrides").entrySet()) {
      policy.thresholdOverride(
          rule.getKey(),
          Duration.ofMillis(parseNumber("lockwatch.threshold.overrides", rule.getValue())));
    }
    for (Map.Entry<String, String> rule : rules("lockwatch.policy.rules").entrySet()) {
      policy.policy(rule.getKey(), policy("lockwatch.policy.rules", rule.getValue()));
    }
    for (Map.Entry<String, String> rule : rules("lockwatch.detector.rules").entrySet()) {
      policy.detector(rule.getKey(), detector("lockwatch.detector.rules", rule.getValue()));
    }
    try {
      policy
          .defaultDetector(Detector.parse((String) parsed.get("lockwatch.detector.default")))
          .floorBeats((Double) parsed.get("lockwatch.detector.accrual.floor-beats"))
          .ceilingBeats((Double) parsed.get("lockwatch.detector.accrual.ceiling-beats"))
          .accrual(
              new AccrualDetector(
                  (Double) parsed.get("lockwatch.detector.accrual.phi"),
                  (Double) parsed.get("lockwatch.detector.accrual.weight"),
                  (Double) parsed.get("lockwatch.detector.accrual.min-deviation"),
                  (Double) parsed.get("lockwatch.detector.accrual.pause-memory-beats")));
      return policy.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid Lockwatch policy: " + e.getMessage());
    }
  }

  public Duration checkInterval() {
    return millis("lockwatch.check.interval.ms");
  }

  /** How often the latest input schemas are fetched ahead of their records. */
  public Duration schemaRefresh() {
    return millis("lockwatch.schemas.refresh.ms");
  }

  /** How far a clock may move beyond the elapsed time before it counts as a jump. */
  public Duration clockJumpBound() {
    return millis("lockwatch.clock.jump.ms");
  }

  /** Native memory for all of the instance's RocksDB stores, shared. */
  public long rocksDbMemoryBytes() {
    return (Long) parsed.get("lockwatch.rocksdb.memory.bytes");
  }

  public long judgementMaxLag() {
    return (Long) parsed.get("lockwatch.judgement.max-lag");
  }

  public String httpHost() {
    return (String) parsed.get("lockwatch.http.host");
  }

  public int httpPort() {
    return (Integer) parsed.get("lockwatch.http.port");
  }

  public Optional<String> httpAdvertised() {
    return Optional.ofNullable((String) parsed.get("lockwatch.http.advertised"));
  }

  public boolean createTopics() {
    return (Boolean) parsed.get("lockwatch.topics.create");
  }

  public int topicPartitions() {
    return (Integer) parsed.get("lockwatch.topics.partitions");
  }

  public Optional<Short> topicReplicationFactor() {
    short factor = (Short) parsed.get("lockwatch.topics.replication-factor");
    return factor < 0 ? Optional.empty() : Optional.of(factor);
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

  private static long parseNumber(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key, value, "not a whole number");
    }
  }

  private Duration millis(String key) {
    return Duration.ofMillis((Long) parsed.get(key));
  }

  private static Detector detector(String key, String value) {
    try {
      return Detector.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, value, "a detector must be fixed or accrual");
    }
  }

  private static ReclaimPolicy policy(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> ReclaimPolicy.AUTO;
      case "hold" -> ReclaimPolicy.HOLD;
      case "dry-run", "dry_run", "dryrun" -> ReclaimPolicy.DRY_RUN;
      default -> throw new ConfigException(key, value, "expected " + LOCKWATCH_POLICIES);
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

  /** A value from a list, in any case; an error lists the values in their order. */
  private record OneOf(List<String> accepted) implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String text = String.valueOf(value).trim();
      boolean known =
          accepted.stream().anyMatch(option -> option.equalsIgnoreCase(text))
              // dry-run is also written dry_run or dryrun
              || accepted.contains("dry-run")
                  && (text.equalsIgnoreCase("dry_run") || text.equalsIgnoreCase("dryrun"));
      if (!known) {
        throw new ConfigException(name, value, "expected one of " + accepted);
      }
    }

    @Override
    public String toString() {
      return String.join(", ", accepted);
    }
  }
}
