package io.lockwatch.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaRuntimesTest {

  @TempDir Path root;

  @Test
  void shouldPickTheNewestQualifyingJdkWhenSeveralAreInstalled() throws Exception {
    assumeTrue(Runtime.version().feature() < 21, "this JVM would be chosen first");
    fakeJdk("jdk-17", "17.0.15");
    fakeJdk("jdk-21", "21.0.4");
    fakeJdk("jdk-25", "25.0.3");

    Path java = new JavaRuntimes(Map.of(), null, List.of(root)).javaExecutable(21);

    assertThat(java).isEqualTo(root.resolve("jdk-25/bin/java"));
  }

  @Test
  void shouldNameTheSettingWhenNoJdkQualifies() throws Exception {
    assumeTrue(Runtime.version().feature() < 21, "this JVM would qualify");
    fakeJdk("jdk-17", "17.0.15");

    assertThatThrownBy(() -> new JavaRuntimes(Map.of(), null, List.of(root)).javaExecutable(21))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("needs a JDK 21 or newer")
        .hasMessageContaining(JavaRuntimes.JAVA_HOME_ENV)
        .hasMessageContaining(JavaRuntimes.JAVA_HOME_PROPERTY);
  }

  @Test
  void shouldRefuseAnExplicitJdkWhenItIsTooOld() throws Exception {
    Path old = fakeJdk("jdk-17", "17.0.15");

    assertThatThrownBy(
            () -> new JavaRuntimes(Map.of(), old.toString(), List.of()).javaExecutable(21))
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("is Java 17")
        .hasMessageContaining(JavaRuntimes.JAVA_HOME_ENV);
  }

  @Test
  void shouldReadLegacyVersionStringsWhenParsingReleaseFiles() throws Exception {
    assertThat(JavaRuntimes.featureVersion(fakeJdk("jdk8", "1.8.0_402"))).contains(8);
    assertThat(JavaRuntimes.featureVersion(fakeJdk("jdk25", "25"))).contains(25);
    assertThat(JavaRuntimes.featureVersion(root.resolve("missing"))).isEmpty();
  }

  private Path fakeJdk(String name, String version) throws Exception {
    Path home = Files.createDirectories(root.resolve(name));
    Files.writeString(
        home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path java = Files.writeString(bin.resolve("java"), "#!/bin/sh\n");
    java.toFile().setExecutable(true);
    return home;
  }
}
