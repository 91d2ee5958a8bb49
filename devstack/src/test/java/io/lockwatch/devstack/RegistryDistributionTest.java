package io.lockwatch.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryDistributionTest {

  @TempDir Path dir;

  @Test
  void shouldSayHowToGetTheArchiveWhenItIsMissing() {
    RegistryDistribution distribution =
        new RegistryDistribution(
            "3.3.3", List.of(dir.resolve("nope.tar.gz")), dir.resolve("cache"));

    assertThatThrownBy(distribution::unpacked)
        .isInstanceOf(DevStackException.class)
        .hasMessageContaining("Apicurio Registry 3.3.3 was not found")
        .hasMessageContaining(RegistryDistribution.ARCHIVE_ENV)
        .hasMessageContaining("nope.tar.gz");
  }

  @Test
  void shouldFindTheArchiveWhereMavenPutIt() {
    Path archive = RegistryDistribution.forThisMachine().archive();

    assertThat(archive).isRegularFile();
    assertThat(archive.getFileName().toString()).endsWith("-all.tar.gz");
  }

  @Test
  void shouldRefuseAnArchiveThatIsNotTheRegistry() throws Exception {
    Path bogus = Files.write(dir.resolve("bogus.tar.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});

    RegistryDistribution distribution =
        new RegistryDistribution("0.0.0", List.of(bogus), dir.resolve("cache"));

    assertThatThrownBy(distribution::unpacked).isInstanceOf(RuntimeException.class);
    assertThat(dir.resolve("cache/apicurio-registry-app-0.0.0")).doesNotExist();
  }
}
