package io.lockwatch.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry run as a child process on a JDK 21+, speaking the Confluent Schema
 * Registry API at {@link #url()}. Bound to 127.0.0.1 (its management interface too), with global
 * compatibility BACKWARD, storage in memory or in an H2 file.
 *
 * <p>{@link #close()} stops the process and its descendants; a JVM shutdown hook does the same if
 * the embedding program exits without closing.
 */
public final class EmbeddedRegistry implements AutoCloseable {

  /** Path of the Confluent-compatible API inside Apicurio Registry. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);
  private static final int MINIMUM_JAVA = 21;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Path workDir;
  private final boolean persistent;
  private final boolean deleteWorkDirOnClose;
  private final int port;
  private final Duration startupTimeout;
  private final RegistryDistribution distribution;
  private final JavaRuntimes javaRuntimes;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;
  private Thread shutdownHook;

  private EmbeddedRegistry(Builder builder) {
    try {
      this.deleteWorkDirOnClose = builder.workDir == null;
      // Absolute: H2 refuses a database path relative to the working directory.
      this.workDir =
          (builder.workDir != null
                  ? Files.createDirectories(builder.workDir)
                  : Files.createTempDirectory("lockwatch-registry-"))
              .toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the registry's work directory", e);
    }
    this.persistent = builder.persistent;
    this.port = builder.port > 0 ? builder.port : FreePorts.pick();
    this.startupTimeout = builder.startupTimeout;
    this.distribution = builder.distribution;
    this.javaRuntimes = builder.javaRuntimes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts the registry and waits until its Confluent API answers. */
  public synchronized EmbeddedRegistry start() {
    if (process != null) {
      return this;
    }
    Path java = javaRuntimes.javaExecutable(MINIMUM_JAVA);
    Path home = distribution.unpacked();
    Path log = workDir.resolve("registry.log");
    ProcessBuilder command =
        new ProcessBuilder(commandLine(java, home))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    // Quarkus reads env vars as config too; keep the child's config to what is set here.
    command
        .environment()
        .keySet()
        .removeIf(key -> key.startsWith("QUARKUS_") || key.startsWith("APICURIO_"));
    try {
      process = command.start();
    } catch (IOException e) {
      throw new DevStackException("Cannot start the registry with " + java, e);
    }
    shutdownHook = new Thread(this::stopProcess, "lockwatch-registry-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      awaitReady(log);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("Embedded schema registry serving at {} (log: {})", url(), log);
    return this;
  }

  /** The Confluent Schema Registry API's base URL. */
  public String url() {
    return "http://127.0.0.1:" + port + CCOMPAT_PATH;
  }

  public int port() {
    return port;
  }

  public Path logFile() {
    return workDir.resolve("registry.log");
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the registry; with file storage, its schemas survive for the next start. */
  public synchronized void stop() {
    stopProcess();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
      shutdownHook = null;
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
    if (deleteWorkDirOnClose) {
      Directories.deleteRecursively(workDir);
    }
  }

  private List<String> commandLine(Path java, Path home) {
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    // A small, quick-starting JVM: the registry holds a handful of schemas here.
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + port);
    // The management interface is switched on at the distribution's build time and cannot be
    // turned off at run time: keep it on loopback and on a port of its own.
    command.add("-Dquarkus.management.host=127.0.0.1");
    command.add("-Dquarkus.management.port=" + FreePorts.pick());
    command.add("-Dquarkus.http.access-log.enabled=false");
    command.add("-Dquarkus.otel.sdk.disabled=true");
    command.add("-Dapicurio.rules.global.compatibility=BACKWARD");
    command.add("-Dapicurio.ccompat.use-canonical-hash=true");
    command.add("-Dapicurio.datasource.jdbc.initial-size=2");
    command.add("-Dapicurio.datasource.jdbc.min-size=2");
    command.add("-Dapicurio.datasource.jdbc.max-size=10");
    command.add("-Dapicurio.storage.snapshot.location=" + workDir);
    if (persistent) {
      command.add(
          "-Dapicurio.datasource.url=jdbc:h2:file:" + workDir.resolve("db").resolve("registry"));
    }
    command.add("-jar");
    command.add(home.resolve("quarkus-run.jar").toString());
    return command;
  }

  private void awaitReady(Path log) {
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(url() + "/config"))
            .timeout(Duration.ofSeconds(5))
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new DevStackException(
            "The registry exited with status "
                + process.exitValue()
                + " while starting: "
                + cause(log)
                + " (log: "
                + log
                + ")\n"
                + tail(log));
      }
      try {
        HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          if (!response.body().contains("\"BACKWARD\"")) {
            throw new DevStackException(
                "The registry did not take BACKWARD as its global compatibility: "
                    + response.body());
          }
          return;
        }
      } catch (ConnectException notYetListening) {
        // still starting
      } catch (IOException e) {
        LOG.debug("Registry not ready yet", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DevStackException("Interrupted while waiting for the registry", e);
      }
      sleep(100);
    }
    throw new DevStackException(
        "The registry did not answer within "
            + startupTimeout
            + ": "
            + cause(log)
            + " (log: "
            + log
            + ")\n"
            + tail(log));
  }

  private void stopProcess() {
    Process running = process;
    if (running == null) {
      return;
    }
    List<ProcessHandle> descendants = running.descendants().toList();
    running.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        running.destroyForcibly();
        running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      running.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** The log's most telling line: the last root cause or error it reports. */
  static String cause(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i).trim();
        if (line.startsWith("Caused by:")
            || line.contains(" ERROR ")
            || line.contains("Exception:")) {
          String cause =
              line.startsWith("Caused by:") ? line.substring("Caused by:".length()).trim() : line;
          return cause.length() > 300 ? cause.substring(0, 300) + "..." : cause;
        }
      }
      return "no error in its log";
    } catch (IOException e) {
      return "no log (" + e.getMessage() + ")";
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("Interrupted while waiting for the registry", e);
    }
  }

  /** Options for {@link EmbeddedRegistry}. */
  public static final class Builder {
    private Path workDir;
    private boolean persistent;
    private int port;
    private Duration startupTimeout = Duration.ofSeconds(120);
    private RegistryDistribution distribution;
    private JavaRuntimes javaRuntimes;

    private Builder() {}

    /** Keeps the registry's schemas in an H2 database under {@code dir}, across restarts. */
    public Builder fileStorage(Path dir) {
      this.workDir = dir;
      this.persistent = true;
      return this;
    }

    /** Keeps schemas in memory only (the default): a fresh registry every start. */
    public Builder inMemory() {
      this.persistent = false;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = timeout;
      return this;
    }

    Builder distribution(RegistryDistribution distribution) {
      this.distribution = distribution;
      return this;
    }

    Builder javaRuntimes(JavaRuntimes javaRuntimes) {
      this.javaRuntimes = javaRuntimes;
      return this;
    }

    public EmbeddedRegistry build() {
      if (distribution == null) {
        distribution = RegistryDistribution.forThisMachine();
      }
      if (javaRuntimes == null) {
        javaRuntimes = JavaRuntimes.forThisMachine();
      }
      return new EmbeddedRegistry(this);
    }
  }
}
