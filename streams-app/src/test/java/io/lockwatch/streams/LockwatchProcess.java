package io.lockwatch.streams;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The streams app's main in a JVM of its own, as a supervisor runs it, with its HTTP API. */
final class LockwatchProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path config;
  private final Path log;
  private final Path stateDir;
  private final int port;
  private final Map<String, String> environment;
  private Process process;

  private LockwatchProcess(
      Path config, Path log, Path stateDir, int port, Map<String, String> environment) {
    this.config = config;
    this.log = log;
    this.stateDir = stateDir;
    this.port = port;
    this.environment = Map.copyOf(environment);
  }

  /** Writes {@code settings} (plus a free HTTP port) to a properties file and starts the app. */
  static LockwatchProcess launch(Path work, String name, Map<String, ?> settings)
      throws IOException {
    return launch(work, name, settings, Map.of());
  }

  /** As above, with these variables added to the app's environment (libfaketime's, say). */
  static LockwatchProcess launch(
      Path work, String name, Map<String, ?> settings, Map<String, String> environment)
      throws IOException {
    int port = freePort();
    StringBuilder properties = new StringBuilder();
    Map<String, Object> all = new TreeMap<>(settings);
    all.put("lockwatch.http.port", port);
    all.putIfAbsent("state.dir", work.resolve("state-" + name));
    all.forEach((key, value) -> properties.append(key).append('=').append(value).append('\n'));
    Path config = Files.writeString(work.resolve(name + ".properties"), properties);
    LockwatchProcess app =
        new LockwatchProcess(
            config,
            work.resolve("app-" + name + ".log"),
            Path.of(String.valueOf(all.get("state.dir"))),
            port,
            environment);
    app.start();
    return app;
  }

  /** Starts the app (again) with the same settings, logging after what it logged before. */
  void start() throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "-Xmx512m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                LockwatchApp.class.getName(),
                "--config",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    process = builder.start();
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** kill -9: no shutdown hook, no leave-group, no flush. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the app did not die");
    }
  }

  /** SIGSTOP: the JVM freezes as in a long GC pause or a stopped container; nothing runs. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Deletes the state directory (RocksDB stores, checkpoints), as a lost volume would. */
  void wipeState() throws IOException {
    if (Files.exists(stateDir)) {
      try (Stream<Path> paths = Files.walk(stateDir)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the app exited; see " + log);
      }
      if (status("/health/ready") == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the app did not become ready; see " + log);
  }

  /** The status of a GET, or -1 when the API does not answer. */
  int status(String path) {
    try {
      return get(path).statusCode();
    } catch (IOException notListening) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** SIGTERM, as a supervisor stops it; then SIGKILL if it does not stop in 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** Debian's libfaketime (package faketime), if installed. */
  static java.util.Optional<Path> faketimeLibrary() throws IOException {
    try (Stream<Path> libs = Files.list(Path.of("/usr/lib"))) {
      return libs.map(dir -> dir.resolve("faketime/libfaketimeMT.so.1"))
          .filter(Files::isRegularFile)
          .findFirst();
    }
  }

  /**
   * The environment that moves the app's wall clock (never its monotonic clock) as the spec file
   * says ({@code +0}, {@code -20s}, {@code +600s}), re-read every second while it runs.
   */
  static Map<String, String> faketime(Path library, Path spec) {
    return Map.of(
        "LD_PRELOAD",
        library.toString(),
        "FAKETIME_DONT_FAKE_MONOTONIC",
        "1",
        "FAKETIME_TIMESTAMP_FILE",
        spec.toString(),
        "FAKETIME_CACHE_DURATION",
        "1");
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
