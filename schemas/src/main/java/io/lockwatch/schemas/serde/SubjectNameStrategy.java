package io.lockwatch.schemas.serde;

import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/** How the registry subject of a record's schema is named, as in the Confluent serdes. */
public enum SubjectNameStrategy {
  /** {@code <topic>-key} or {@code <topic>-value}: one schema lineage per topic (the default). */
  TOPIC_NAME {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return topic + (isKey ? "-key" : "-value");
    }
  },
  /** The record's full name: one lineage per record type, across topics. */
  RECORD_NAME {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return schema.getFullName();
    }
  },
  /** {@code <topic>-<record full name>}: several record types per topic. */
  TOPIC_RECORD_NAME {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return topic + "-" + schema.getFullName();
    }
  };

  public abstract String subject(String topic, boolean isKey, Schema schema);

  /**
   * Reads a strategy from a setting: this enum's names, or the Confluent class names ({@code
   * ...TopicNameStrategy}, {@code ...RecordNameStrategy}, {@code ...TopicRecordNameStrategy}).
   */
  public static SubjectNameStrategy parse(String key, String value) {
    String simple = value.substring(value.lastIndexOf('.') + 1).trim();
    switch (simple) {
      case "TopicNameStrategy":
        return TOPIC_NAME;
      case "RecordNameStrategy":
        return RECORD_NAME;
      case "TopicRecordNameStrategy":
        return TOPIC_RECORD_NAME;
      default:
        try {
          return valueOf(simple.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(
              key,
              value,
              "expected TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
        }
    }
  }
}
