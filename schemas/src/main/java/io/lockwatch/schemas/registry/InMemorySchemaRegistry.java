package io.lockwatch.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A schema registry held in memory, for tests that run without a registry process (for example
 * TopologyTestDriver tests). It applies compatibility levels as a real registry does, using Avro's
 * own compatibility check, and answers with the same error codes.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  private final Map<String, List<RegisteredSchema>> subjects = new HashMap<>();
  private final Map<String, CompatibilityLevel> levels = new HashMap<>();
  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<Schema, Integer> ids = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<RegisteredSchema> versions = subjects.computeIfAbsent(subject, key -> new ArrayList<>());
    for (RegisteredSchema version : versions) {
      if (version.schema().equals(schema)) {
        return version.id();
      }
    }
    CompatibilityResult result = check(subject, schema);
    if (!result.compatible()) {
      throw new RegistryException(
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\": "
              + result.messages(),
          409,
          RegistryException.INCOMPATIBLE_SCHEMA);
    }
    int id = ids.computeIfAbsent(schema, key -> ids.size() + 1);
    byId.put(id, schema);
    versions.add(new RegisteredSchema(subject, versions.size() + 1, id, schema));
    return id;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, Schema schema) {
    return versionsOf(subject).stream()
        .filter(version -> version.schema().equals(schema))
        .findFirst()
        .orElseThrow(
            () ->
                new RegistryException(
                    "Schema not found under subject " + subject,
                    404,
                    RegistryException.SCHEMA_NOT_FOUND));
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new RegistryException(
          "Schema " + id + " not found", 404, RegistryException.SCHEMA_NOT_FOUND);
    }
    return schema;
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<RegisteredSchema> versions = versionsOf(subject);
    return versions.get(versions.size() - 1);
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
    return check(subject, schema);
  }

  @Override
  public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
    levels.put(subject, level);
  }

  @Override
  public synchronized void setGlobalCompatibility(CompatibilityLevel level) {
    globalLevel = level;
  }

  @Override
  public synchronized CompatibilityLevel compatibility(String subject) {
    return levels.getOrDefault(subject, globalLevel);
  }

  @Override
  public synchronized List<String> subjects() {
    return List.copyOf(subjects.keySet());
  }

  private List<RegisteredSchema> versionsOf(String subject) {
    List<RegisteredSchema> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new RegistryException(
          "Subject '" + subject + "' not found.", 404, RegistryException.SUBJECT_NOT_FOUND);
    }
    return versions;
  }

  private CompatibilityResult check(String subject, Schema candidate) {
    List<RegisteredSchema> versions = subjects.getOrDefault(subject, List.of());
    if (versions.isEmpty()) {
      return new CompatibilityResult(true, List.of());
    }
    CompatibilityLevel level = compatibility(subject);
    List<RegisteredSchema> against =
        level.name().endsWith("_TRANSITIVE")
            ? versions
            : List.of(versions.get(versions.size() - 1));
    List<String> problems = new ArrayList<>();
    for (RegisteredSchema existing : against) {
      if (level != CompatibilityLevel.NONE && !level.name().startsWith("FORWARD")) {
        problems.addAll(problems(candidate, existing.schema()));
      }
      if (level.name().startsWith("FORWARD") || level.name().startsWith("FULL")) {
        problems.addAll(problems(existing.schema(), candidate));
      }
    }
    return new CompatibilityResult(problems.isEmpty(), problems);
  }

  private static List<String> problems(Schema reader, Schema writer) {
    return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer)
        .getResult()
        .getIncompatibilities()
        .stream()
        .map(
            incompatibility ->
                incompatibility.getType()
                    + " at "
                    + incompatibility.getLocation()
                    + ": "
                    + incompatibility.getMessage())
        .toList();
  }
}
