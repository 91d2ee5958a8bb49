package io.lockwatch.schemas.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The released versions of each contract record, committed under {@code
 * io/lockwatch/schemas/history/<RecordName>/v<N>.avsc} (self-contained schemas, v1, v2, ... with no
 * gaps). A new version is released by adding the next file; old files are never edited.
 */
public final class SchemaHistory {
  static final String ROOT = "/io/lockwatch/schemas/history/";

  private SchemaHistory() {}

  /** The released versions of the record {@code simpleName}, oldest first. */
  public static List<Schema> versions(String simpleName) {
    List<Schema> versions = new ArrayList<>();
    for (int version = 1; ; version++) {
      String path = resourcePath(simpleName, version);
      try (InputStream in = SchemaHistory.class.getResourceAsStream(path)) {
        if (in == null) {
          return versions;
        }
        versions.add(
            new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + path, e);
      }
    }
  }

  /** Where version {@code version} of {@code simpleName} lives on the classpath. */
  public static String resourcePath(String simpleName, int version) {
    return ROOT + simpleName + "/v" + version + ".avsc";
  }
}
