package io.lockwatch.schemas.serde;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The serdes' own settings, under the Confluent serdes' key names.
 *
 * <ul>
 *   <li>{@code auto.register.schemas} (default true): register the record's schema on first use;
 *       when false, the schema must already be registered under the subject.
 *   <li>{@code use.latest.version} (default false, with auto-registration off): write with the
 *       subject's latest schema, which must be able to read the record's own schema.
 *   <li>{@code key.subject.name.strategy} / {@code value.subject.name.strategy} (default
 *       TopicNameStrategy).
 * </ul>
 */
record AvroSerdeConfig(
    boolean autoRegister,
    boolean useLatestVersion,
    SubjectNameStrategy keyStrategy,
    SubjectNameStrategy valueStrategy) {

  static final String AUTO_REGISTER = "auto.register.schemas";
  static final String USE_LATEST_VERSION = "use.latest.version";
  static final String KEY_STRATEGY = "key.subject.name.strategy";
  static final String VALUE_STRATEGY = "value.subject.name.strategy";

  static AvroSerdeConfig from(Map<String, ?> config) {
    boolean autoRegister = bool(config, AUTO_REGISTER, true);
    boolean useLatest = bool(config, USE_LATEST_VERSION, false);
    return new AvroSerdeConfig(
        autoRegister,
        useLatest && !autoRegister,
        strategy(config, KEY_STRATEGY),
        strategy(config, VALUE_STRATEGY));
  }

  SubjectNameStrategy strategy(boolean isKey) {
    return isKey ? keyStrategy : valueStrategy;
  }

  private static SubjectNameStrategy strategy(Map<String, ?> config, String key) {
    Object value = config.get(key);
    if (value == null) {
      return SubjectNameStrategy.TOPIC_NAME;
    }
    String name = value instanceof Class<?> type ? type.getName() : value.toString();
    return SubjectNameStrategy.parse(key, name);
  }

  private static boolean bool(Map<String, ?> config, String key, boolean fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean flag) {
      return flag;
    }
    String text = value.toString().trim();
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new ConfigException(key, value, "expected true or false");
  }
}
