package io.lockwatch.core.incident;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockwatch.core.LockJson;
import io.lockwatch.events.Incident;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * An incident as the HTTP API and the CLI's JSON show it: the contract's field names in the
 * schema's order, ISO-8601 times, enums by name, nulls kept.
 */
public final class IncidentJson {
  private IncidentJson() {}

  public static ObjectNode of(Incident incident) {
    return record(incident);
  }

  private static ObjectNode record(SpecificRecord record) {
    ObjectNode json = LockJson.MAPPER.createObjectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      put(json, field.name(), record.get(field.pos()));
    }
    return json;
  }

  private static void put(ObjectNode json, String name, Object value) {
    if (value == null) {
      json.putNull(name);
    } else if (value instanceof Instant instant) {
      json.put(name, instant.toString());
    } else if (value instanceof Long number) {
      json.put(name, number);
    } else if (value instanceof Integer number) {
      json.put(name, number);
    } else if (value instanceof SpecificRecord nested) {
      json.set(name, record(nested));
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode entries = json.putObject(name);
      new TreeMap<>(map).forEach((key, entry) -> entries.put(key.toString(), entry.toString()));
    } else {
      json.put(name, value.toString());
    }
  }
}
