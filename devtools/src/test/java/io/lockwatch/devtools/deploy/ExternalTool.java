package io.lockwatch.devtools.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A third-party program the deployment tests run (promtool, prometheus, docker-compose, Debian's
 * python3 with confluent-kafka): found on the PATH, or the test is skipped with a message saying
 * which Debian package gives it.
 */
final class ExternalTool {
  record Result(int exitCode, String output) {}

  private ExternalTool() {}

  /** The program's path; skips the calling test, naming the package, when it is not installed. */
  static Path require(String program, String debianPackage) {
    Optional<Path> found = find(program);
    assumeTrue(
        found.isPresent(),
        program + " is not installed; skipped (apt-get install " + debianPackage + ")");
    return found.get();
  }

  static Optional<Path> find(String program) {
    Path given = Path.of(program);
    if (given.isAbsolute()) {
      return Files.isExecutable(given) ? Optional.of(given) : Optional.empty();
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Runs it to the end (at most {@code timeoutSeconds}), stdout and stderr together. */
  static Result run(Path workDir, long timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("external-tool-", ".out");
    try {
      Process process =
          new ProcessBuilder(List.of(command))
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + timeoutSeconds
                + " s: "
                + Files.readString(output, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** A started background process (prometheus), with its output in {@code log}. */
  static Process start(Path workDir, Path log, String... command) throws IOException {
    List<String> args = new ArrayList<>(List.of(command));
    return new ProcessBuilder(args)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** The repository's root (tests run in the module's directory). */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("docker"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no docker/ directory above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
