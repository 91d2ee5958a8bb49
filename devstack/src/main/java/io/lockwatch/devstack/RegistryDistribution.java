package io.lockwatch.devstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Apicurio Registry's ready-made distribution: found where Maven put it when devstack was built,
 * unpacked once into a cache directory shared by every run on this machine.
 */
public final class RegistryDistribution {

  /** System property: the distribution archive to use instead of the one from Maven. */
  public static final String ARCHIVE_PROPERTY = "lockwatch.registry.archive";

  /** Environment variable: the distribution archive to use instead of the one from Maven. */
  public static final String ARCHIVE_ENV = "LOCKWATCH_REGISTRY_ARCHIVE";

  /** Environment variable: where unpacked distributions are kept (default ~/.cache/lockwatch). */
  public static final String CACHE_DIR_ENV = "LOCKWATCH_CACHE_DIR";

  /** System property: where unpacked distributions are kept; wins over the environment variable. */
  public static final String CACHE_DIR_PROPERTY = "lockwatch.cache.dir";

  private static final String BUILD_INFO = "/lockwatch-devstack.properties";
  private static final String COMPLETE_MARKER = ".lockwatch-unpacked";

  private final String version;
  private final List<Path> archiveCandidates;
  private final Path cacheDir;

  RegistryDistribution(String version, List<Path> archiveCandidates, Path cacheDir) {
    this.version = version;
    this.archiveCandidates = List.copyOf(archiveCandidates);
    this.cacheDir = cacheDir;
  }

  /** The distribution this build of devstack was made with, located on this machine. */
  public static RegistryDistribution forThisMachine() {
    Properties buildInfo = loadBuildInfo();
    String version = buildInfo.getProperty("apicurio.version");
    Map<String, String> env = System.getenv();
    List<Path> candidates = new ArrayList<>();
    String explicit = System.getProperty(ARCHIVE_PROPERTY, env.get(ARCHIVE_ENV));
    if (explicit != null && !explicit.isBlank()) {
      candidates.add(Path.of(explicit));
    } else {
      String built = buildInfo.getProperty("apicurio.archive", "");
      if (!built.isBlank() && !built.startsWith("${")) {
        candidates.add(Path.of(built));
      }
      candidates.add(localRepository().resolve(relativeArchivePath(version)));
    }
    String cache = System.getProperty(CACHE_DIR_PROPERTY, env.get(CACHE_DIR_ENV));
    Path cacheDir =
        cache != null && !cache.isBlank()
            ? Path.of(cache)
            : Path.of(System.getProperty("user.home"), ".cache", "lockwatch");
    return new RegistryDistribution(version, candidates, cacheDir);
  }

  public String version() {
    return version;
  }

  /**
   * The unpacked distribution's directory (holding {@code quarkus-run.jar}), unpacking it if
   * needed.
   */
  public Path unpacked() {
    Path target = cacheDir.resolve("apicurio-registry-app-" + version);
    if (Files.exists(target.resolve(COMPLETE_MARKER))) {
      return target;
    }
    Path archive = archive();
    try {
      Files.createDirectories(cacheDir);
      // Several JVMs (test forks, a demo) may start at once: one unpacks, the others wait.
      try (FileChannel lockFile =
              FileChannel.open(
                  cacheDir.resolve(".apicurio-unpack.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        if (Files.exists(target.resolve(COMPLETE_MARKER))) {
          return target;
        }
        Path staging = Files.createTempDirectory(cacheDir, "unpacking-");
        untarGz(archive, staging);
        if (!Files.isRegularFile(staging.resolve("quarkus-run.jar"))) {
          Directories.deleteRecursively(staging);
          throw new DevStackException(
              archive + " is not an Apicurio Registry distribution (no quarkus-run.jar inside)");
        }
        Files.writeString(staging.resolve(COMPLETE_MARKER), archive.toString());
        Directories.deleteRecursively(target);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot unpack " + archive + " into " + cacheDir, e);
    }
  }

  Path archive() {
    return archiveCandidates.stream()
        .filter(Files::isRegularFile)
        .findFirst()
        .orElseThrow(
            () ->
                new DevStackException(
                    "Apicurio Registry "
                        + version
                        + " was not found (looked at "
                        + archiveCandidates
                        + "). Build the project once (./mvnw -B -DskipTests install), or set "
                        + ARCHIVE_ENV
                        + " (or -D"
                        + ARCHIVE_PROPERTY
                        + ") to the apicurio-registry-app-"
                        + version
                        + "-all.tar.gz archive."));
  }

  static Path relativeArchivePath(String version) {
    return Path.of(
        "io",
        "apicurio",
        "apicurio-registry-app",
        version,
        "apicurio-registry-app-" + version + "-all.tar.gz");
  }

  private static Path localRepository() {
    String explicit = System.getProperty("maven.repo.local");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  private static Properties loadBuildInfo() {
    Properties properties = new Properties();
    try (InputStream in = RegistryDistribution.class.getResourceAsStream(BUILD_INFO)) {
      if (in == null) {
        throw new DevStackException("devstack's build information is missing: " + BUILD_INFO);
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  private static void untarGz(Path archive, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (InputStream file = Files.newInputStream(archive);
        TarArchiveInputStream tar =
            new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(file, 1 << 16)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path destination = root.resolve(entry.getName()).normalize();
        if (!destination.startsWith(root)) {
          throw new IOException("Archive entry escapes the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(destination);
        } else if (entry.isFile()) {
          Files.createDirectories(destination.getParent());
          Files.copy(tar, destination, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
