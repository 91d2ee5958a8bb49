package io.lockwatch.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.schemas.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** docs/event-contract.md documents every record and field of the contract. */
class EventContractDocTest {

  private static final Path DOC = Path.of("..", "docs", "event-contract.md");

  @Test
  void shouldDocumentEveryFieldWhenTheContractChanges() throws Exception {
    String doc = Files.readString(DOC);
    List<String> missing = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Schema schema : ContractSchemas.current()) {
      collectMissing(doc, schema, seen, missing);
    }
    assertThat(missing).as("records and fields missing from %s", DOC).isEmpty();
  }

  @Test
  void shouldListEveryTopicWhenTheCatalogChanges() throws Exception {
    String doc = Files.readString(DOC);
    for (String role : TopicCatalog.ROLES) {
      assertThat(doc).contains("| `lockwatch." + role + "` | `lockwatch.topic." + role + "` |");
    }
  }

  private static void collectMissing(
      String doc, Schema schema, Set<String> seen, List<String> missing) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        String section = section(doc, schema.getName());
        if (section == null) {
          missing.add("section ### " + schema.getName());
          return;
        }
        for (Schema.Field field : schema.getFields()) {
          if (!section.contains("| `" + field.name() + "` |")) {
            missing.add(schema.getName() + "." + field.name());
          }
          collectMissing(doc, field.schema(), seen, missing);
        }
      }
      case ENUM -> {
        if (seen.add(schema.getFullName())) {
          for (String symbol : schema.getEnumSymbols()) {
            if (!doc.contains("| `" + schema.getName() + "` |")
                || !doc.contains("`" + symbol + "`")) {
              missing.add(schema.getName() + "." + symbol);
            }
          }
        }
      }
      case UNION -> schema.getTypes().forEach(branch -> collectMissing(doc, branch, seen, missing));
      case MAP -> collectMissing(doc, schema.getValueType(), seen, missing);
      case ARRAY -> collectMissing(doc, schema.getElementType(), seen, missing);
      default -> {}
    }
  }

  private static String section(String doc, String recordName) {
    int start = doc.indexOf("\n### " + recordName + "\n");
    if (start < 0) {
      return null;
    }
    int end = doc.indexOf("\n### ", start + 1);
    return end < 0 ? doc.substring(start) : doc.substring(start, end);
  }
}
