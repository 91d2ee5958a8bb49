package io.lockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The operational CLI an operator downloads holds what replay and the operator actions need, and no
 * broker, Scala, Kafka Streams, RocksDB or test library. Runs after packaging (Failsafe).
 */
@IntegrationTest
class OperationalJarTest {
  private static final Path JAR = Path.of("target", "lockwatch.jar");

  @Test
  void shouldStayUnder40MbWithoutBrokerOrTestClassesWhenPackaged() throws Exception {
    assertThat(JAR).as("run after the package phase").exists();
    long size = Files.size(JAR);
    System.out.printf("Operational CLI jar: %.1f MB%n", size / 1e6);

    assertThat(size).isLessThan(40L * 1024 * 1024);
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> forbidden =
          jar.stream()
              .map(entry -> entry.getName())
              .filter(
                  name ->
                      // the broker's classes (kafka-clients has only a properties file there)
                      name.startsWith("kafka/") && name.endsWith(".class")
                          || name.startsWith("scala/")
                          || name.startsWith("org/apache/kafka/streams/")
                          || name.startsWith("org/rocksdb/")
                          || name.startsWith("org/junit/")
                          || name.startsWith("io/lockwatch/devstack/")
                          || name.startsWith("io/lockwatch/devtools/"))
              .limit(5)
              .toList();
      assertThat(forbidden).isEmpty();
      assertThat(jar.getEntry("io/lockwatch/cli/LockwatchCli.class")).isNotNull();
      assertThat(jar.getEntry("io/lockwatch/core/LockStateMachine.class")).isNotNull();
    }
  }
}
