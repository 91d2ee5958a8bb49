package io.lockwatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's table of the app's settings names every key the app takes, and no other. */
class ReadmeSettingsTest {
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void shouldDocumentEveryKeyWhenTheSettingsChange() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    int section = lines.indexOf("## Running the streams app");
    assertThat(section).as("the README's section on the streams app").isPositive();
    TreeSet<String> documented = new TreeSet<>();
    boolean inTable = false;
    for (String line : lines.subList(section, lines.size())) {
      if (line.startsWith("| key |")) {
        inTable = true;
      } else if (inTable && !line.startsWith("|")) {
        break;
      } else if (inTable && line.startsWith("| `lockwatch.")) {
        documented.addAll(keys(line.split("\\|")[1]));
      }
    }

    assertThat(documented).isEqualTo(LockwatchConfig.knownKeys());
  }

  /** "`lockwatch.http.host` / `.port`" names lockwatch.http.host and lockwatch.http.port. */
  private static List<String> keys(String cell) {
    List<String> keys = new ArrayList<>();
    Matcher code = CODE.matcher(cell);
    String first = null;
    while (code.find()) {
      String key = code.group(1);
      if (first == null) {
        first = key;
        keys.add(key);
      } else if (key.startsWith(".")) {
        int replaced = key.split("\\.").length - 1;
        String base = first;
        for (int i = 0; i < replaced; i++) {
          base = base.substring(0, base.lastIndexOf('.'));
        }
        keys.add(base + key);
      }
    }
    return keys;
  }
}
