package io.lockwatch.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.events.LockEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class SchemaHistoryTest {

  @Test
  void shouldReadEveryReleasedVersionWhenTheContractIsBuilt() {
    for (Schema current : ContractSchemas.current()) {
      List<Schema> released = SchemaHistory.versions(current.getName());
      assertThat(released).as("released versions of %s", current.getName()).isNotEmpty();
      assertThat(BackwardCompatibility.problems(current, released))
          .as("%s must read data written with every released version", current.getName())
          .isEmpty();
    }
  }

  @Test
  void shouldMatchTheLatestReleaseWhenTheContractChanges() throws Exception {
    List<String> unreleased = new ArrayList<>();
    for (Schema current : ContractSchemas.current()) {
      List<Schema> released = SchemaHistory.versions(current.getName());
      if (!released.get(released.size() - 1).equals(current)) {
        int next = released.size() + 1;
        Path candidate =
            Path.of("target", "schema-release", current.getName(), "v" + next + ".avsc");
        Files.createDirectories(candidate.getParent());
        Files.writeString(candidate, current.toString(true) + "\n");
        unreleased.add(
            current.getName()
                + ": copy "
                + candidate.toAbsolutePath()
                + " to src/main/resources"
                + SchemaHistory.resourcePath(current.getName(), next));
      }
    }
    assertThat(unreleased)
        .as("every change to the contract is released as a new committed version")
        .isEmpty();
  }

  @Test
  void shouldReportAnIncompatibilityWhenARequiredFieldIsAdded() {
    Schema withRequiredField =
        withExtraField(
            LockEvent.getClassSchema(), "region", Schema.create(Schema.Type.STRING), null);

    List<String> problems =
        BackwardCompatibility.problems(
            withRequiredField, SchemaHistory.versions("LockEvent").subList(0, 1));

    assertThat(problems)
        .singleElement()
        .asString()
        .contains("cannot read v1")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("region");
  }

  @Test
  void shouldAcceptAnOptionalFieldWhenItHasADefault() {
    Schema optional = SchemaBuilder.unionOf().nullType().and().stringType().endUnion();
    Schema withOptionalField =
        withExtraField(
            LockEvent.getClassSchema(), "region", optional, Schema.Field.NULL_DEFAULT_VALUE);

    assertThat(
            BackwardCompatibility.problems(withOptionalField, SchemaHistory.versions("LockEvent")))
        .isEmpty();
  }

  @Test
  void shouldReportAnIncompatibilityWhenAFieldTypeChanges() {
    String changed =
        LockEvent.getClassSchema()
            .toString()
            .replace(
                "{\"name\":\"fencingToken\",\"type\":\"long\"",
                "{\"name\":\"fencingToken\",\"type\":\"int\"");
    Schema narrowed = new Schema.Parser().parse(changed);

    assertThat(
            BackwardCompatibility.problems(
                narrowed, SchemaHistory.versions("LockEvent").subList(0, 1)))
        .singleElement()
        .asString()
        .contains("TYPE_MISMATCH")
        .contains("fencingToken");
  }

  @Test
  void shouldDocumentEveryTypeAndFieldWhenTheContractIsBuilt() {
    List<String> undocumented = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Schema schema : ContractSchemas.current()) {
      collectUndocumented(schema, seen, undocumented);
    }
    assertThat(undocumented).isEmpty();
  }

  private static void collectUndocumented(
      Schema schema, Set<String> seen, List<String> undocumented) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        if (blank(schema.getDoc())) {
          undocumented.add(schema.getFullName());
        }
        for (Schema.Field field : schema.getFields()) {
          if (blank(field.doc())) {
            undocumented.add(schema.getName() + "." + field.name());
          }
          collectUndocumented(field.schema(), seen, undocumented);
        }
      }
      case ENUM -> {
        if (seen.add(schema.getFullName()) && blank(schema.getDoc())) {
          undocumented.add(schema.getFullName());
        }
      }
      case UNION ->
          schema.getTypes().forEach(branch -> collectUndocumented(branch, seen, undocumented));
      case MAP -> collectUndocumented(schema.getValueType(), seen, undocumented);
      case ARRAY -> collectUndocumented(schema.getElementType(), seen, undocumented);
      default -> {}
    }
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }

  private static Schema withExtraField(Schema base, String name, Schema type, Object defaultValue) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : base.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(new Schema.Field(name, type, "added by the test", defaultValue));
    return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
  }
}
