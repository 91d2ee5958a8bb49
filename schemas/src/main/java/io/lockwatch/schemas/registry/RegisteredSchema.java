package io.lockwatch.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/** A schema as the registry holds it: under a subject, with a version and a global id. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
