package io.lockwatch.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockwatch.cli.history.Entry;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * Records as JSON for machines: the contract's field names, enums by name, times as ISO-8601
 * strings (UTC), maps as objects.
 */
public final class AvroJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  /** One history entry: where it was read, and the record. */
  public static ObjectNode entry(Entry entry) {
    ObjectNode json = NODES.objectNode();
    json.put("time", entry.time().toString());
    json.put("kind", entry.kind().name());
    json.put("lockId", entry.lockId());
    json.put("topic", entry.topic());
    json.put("partition", entry.partition());
    json.put("offset", entry.offset());
    json.set("record", record(entry.value()));
    return json;
  }

  public static ObjectNode record(IndexedRecord record) {
    ObjectNode json = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      json.set(field.name(), value(record.get(field.pos())));
    }
    return json;
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      return NODES.nullNode();
    } else if (value instanceof IndexedRecord record) {
      return record(record);
    } else if (value instanceof Instant instant) {
      return NODES.textNode(instant.toString());
    } else if (value instanceof Long number) {
      return NODES.numberNode(number);
    } else if (value instanceof Integer number) {
      return NODES.numberNode(number);
    } else if (value instanceof Boolean bool) {
      return NODES.booleanNode(bool);
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode json = NODES.objectNode();
      map.forEach((key, item) -> json.set(key.toString(), value(item)));
      return json;
    } else if (value instanceof Enum<?> symbol) {
      return NODES.textNode(symbol.name());
    } else if (value instanceof GenericContainer) {
      return NODES.textNode(value.toString());
    }
    return NODES.textNode(value.toString());
  }
}
