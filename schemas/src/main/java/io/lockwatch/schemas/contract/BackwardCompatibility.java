package io.lockwatch.schemas.contract;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Whether a schema can read data written with each of a list of earlier versions (BACKWARD
 * compatibility, checked against all of them as BACKWARD_TRANSITIVE does), with Avro's own
 * reader/writer resolution rules.
 */
public final class BackwardCompatibility {
  private BackwardCompatibility() {}

  /** Every incompatibility of {@code candidate} with {@code earlier}; empty when compatible. */
  public static List<String> problems(Schema candidate, List<Schema> earlier) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < earlier.size(); i++) {
      var result =
          SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier.get(i)).getResult();
      for (Incompatibility incompatibility : result.getIncompatibilities()) {
        problems.add(
            candidate.getName()
                + " cannot read v"
                + (i + 1)
                + ": "
                + incompatibility.getType()
                + " at "
                + fieldPath(candidate, incompatibility.getLocation())
                + " ("
                + incompatibility.getMessage()
                + ")");
      }
    }
    return problems;
  }

  /**
   * Turns Avro's location pointer over the reader schema (e.g. {@code /fields/3/type}) into field
   * names (e.g. {@code fencingToken}), keeping the pointer where it names no field.
   */
  static String fieldPath(Schema reader, String location) {
    List<String> names = new ArrayList<>();
    Schema current = reader;
    String[] steps = location.split("/");
    for (int i = 1; i < steps.length && current != null; i++) {
      String step = steps[i];
      if (step.equals("fields")
          && i + 1 < steps.length
          && current.getType() == Schema.Type.RECORD) {
        Schema.Field field = current.getFields().get(Integer.parseInt(steps[++i]));
        names.add(field.name());
        current = field.schema();
      } else if (step.equals("type")
          || step.equals("name")
          || step.equals("symbols")
          || step.equals("size")) {
        continue;
      } else if (step.equals("items") && current.getType() == Schema.Type.ARRAY) {
        current = current.getElementType();
      } else if (step.equals("values") && current.getType() == Schema.Type.MAP) {
        current = current.getValueType();
      } else if (current.getType() == Schema.Type.UNION
          && step.chars().allMatch(Character::isDigit)) {
        current = current.getTypes().get(Integer.parseInt(step));
      }
    }
    return names.isEmpty() ? location : String.join(".", names) + " (" + location + ")";
  }
}
